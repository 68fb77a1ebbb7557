"""Record pages: add through the form, service errors on the form (400, nothing saved), correct,
revoke, scope (404), write permission (403), history and versions."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from socredit.apps.records.models import CreditRecord
from socredit.core.types import RecordStatus
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def create_url(org):
    return reverse("records:record_create", args=[org.code])


def org_url(org):
    return reverse("registry:organization_detail", args=[org.code])


@pytest.fixture
def org(personas, civil_affairs):
    return factories.organization(name="金水区录入测试协会")


def form_data(civil_affairs, **overrides):
    data = {
        "kind": "penalty_fine",
        "occurred_on": "2024-06-01",
        "decided_on": "2024-06-15",
        "document_number": "金民罚〔2024〕8号",
        "amount": "12000",
        "department": civil_affairs.code,
        "summary": "未按规定使用登记证书",
        "visibility": "",
        "dishonesty_class": "",
    }
    data.update(overrides)
    return data


def test_add_record_through_the_form_appears_in_the_credit_file(org, personas, login, civil_affairs):
    who = factories.person("陈静")
    factories.role(org, who)
    client = login(personas["staff_jinshui"])
    page = client.get(create_url(org)).content.decode()
    assert "行政处罚信息" in page  # kinds grouped by category
    assert who.masked_id in page and who.id_number not in page
    response = client.post(create_url(org), form_data(civil_affairs, persons=[str(who.pk)]))
    assert response.status_code == 302
    record = CreditRecord.objects.get(document_number="金民罚〔2024〕8号")
    assert record.organization == org and record.dishonesty_class == "general"  # the kind's default
    assert list(record.persons.all()) == [who]
    assert record.source_actor == "staff_jinshui"
    html = client.get(response["Location"]).content.decode()
    assert "金民罚〔2024〕8号" in html and "行政处罚：罚款" in html and "陈静" in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"occurred_on": (dt.date.today() + dt.timedelta(days=3)).isoformat(), "decided_on": ""},
         "occurred_on", "晚于今天"),
        ({"amount": "-5"}, "amount", "金额不能为负数"),
        ({"decided_on": "2024-05-01"}, "decided_on", "早于发生日期"),
        ({"occurred_on": "2024-02-30"}, "occurred_on", "不存在"),
    ],
)  # fmt: skip
def test_bad_input_is_400_with_field_message_and_nothing_saved(org, personas, login, civil_affairs,
                                                               overrides, field, message):  # fmt: skip
    response = login(personas["staff_jinshui"]).post(create_url(org), form_data(civil_affairs, **overrides))
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in e for e in form.errors[field]), form.errors
    assert message in response.content.decode()
    assert not CreditRecord.objects.filter(organization=org).exists()


def test_duplicate_document_number_is_a_field_error(org, personas, login, civil_affairs):
    client = login(personas["staff_jinshui"])
    assert client.post(create_url(org), form_data(civil_affairs)).status_code == 302
    response = client.post(create_url(org), form_data(civil_affairs))
    assert response.status_code == 400 and "重复" in str(response.context["form"].errors["document_number"])
    assert CreditRecord.objects.filter(organization=org).count() == 1


def test_viewer_cannot_see_or_post_the_form(org, personas, login, civil_affairs):
    client = login(personas["viewer_jinshui"])
    assert client.get(create_url(org)).status_code == 403
    assert client.post(create_url(org), form_data(civil_affairs)).status_code == 403
    record = factories.record(org)
    assert client.post(reverse("records:record_revoke", args=[record.pk]), {"reason": "x"}).status_code == 403
    assert client.get(reverse("records:record_correct", args=[record.pk])).status_code == 403
    assert client.get(reverse("records:record_detail", args=[record.pk])).status_code == 200
    assert not CreditRecord.objects.filter(status=RecordStatus.REVOKED.value).exists()


def test_out_of_scope_is_404_for_every_record_page(personas, login, civil_affairs):
    far = factories.organization(region_code="410184", name="新郑市测试协会")
    record = factories.record(far)
    client = login(personas["staff_jinshui"])
    assert client.get(create_url(far)).status_code == 404
    assert client.post(create_url(far), form_data(civil_affairs)).status_code == 404
    for name in ("record_detail", "record_correct", "record_revoke"):
        assert client.get(reverse(f"records:{name}", args=[record.pk])).status_code == 404
    assert client.get(reverse("records:record_detail", args=[999_999])).status_code == 404
    assert (
        login(personas["city_admin"]).get(reverse("records:record_detail", args=[record.pk])).status_code
        == 200
    )


def test_correct_creates_a_new_version_and_keeps_the_old(org, personas, login, civil_affairs):
    record = factories.record(org, "penalty_fine", amount="3000")
    client = login(personas["staff_jinshui"])
    url = reverse("records:record_correct", args=[record.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"]["amount"].value() == "3000.00"
    data = {**page.context["form"].initial, "amount": "30000", "reason": "金额录入错误"}
    data = {k: v for k, v in data.items() if v is not None}
    # A correction without a reason is refused by the form and changes nothing.
    assert client.post(url, {**data, "reason": ""}).status_code == 400
    response = client.post(url, data)
    assert response.status_code == 302
    record.refresh_from_db()
    new = record.superseded_by
    assert record.status == RecordStatus.CORRECTED.value and str(new.amount) == "30000.00"
    detail = client.get(reverse("records:record_detail", args=[new.pk])).content.decode()
    # history and chain of versions, naming the old version by its document number, not its id
    assert "金额录入错误" in detail and f"更正原记录（行政处罚：罚款 {record.document_number}）" in detail
    assert reverse("records:record_detail", args=[record.pk]) in detail
    assert not re.search(rf"#{record.pk}(?!\w)", detail.split("<main", 1)[1])
    timeline = client.get(org_url(org)).content.decode()
    assert 'class="pol-negative superseded"' in timeline and f'href="#record-{new.pk}"' in timeline


def test_correct_without_change_is_refused(org, personas, login):
    record = factories.record(org)
    client = login(personas["staff_jinshui"])
    url = reverse("records:record_correct", args=[record.pk])
    data = {k: v for k, v in client.get(url).context["form"].initial.items() if v is not None}
    response = client.post(url, {**data, "reason": "无"})
    assert response.status_code == 400 and "更正内容与原记录相同" in response.content.decode()
    assert CreditRecord.objects.filter(organization=org).count() == 1


def test_correcting_to_a_document_number_in_use_is_a_field_error(org, personas, login):
    taken = factories.record(org, document_number="郑民罚〔2024〕1号")
    record = factories.record(org, document_number="郑民罚〔2024〕2号")
    client = login(personas["staff_jinshui"])
    url = reverse("records:record_correct", args=[record.pk])
    data = {k: v for k, v in client.get(url).context["form"].initial.items() if v is not None}
    response = client.post(
        url, {**data, "document_number": taken.document_number, "reason": "文书号录入错误"}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["document_number"] and "重复" in errors["document_number"][0]
    record.refresh_from_db()
    assert record.is_current and CreditRecord.objects.filter(organization=org).count() == 2


def test_a_huge_amount_is_a_field_error_on_the_form(org, personas, login):
    record = factories.record(org, "penalty_fine", amount="3000")
    client = login(personas["staff_jinshui"])
    url = reverse("records:record_correct", args=[record.pk])
    data = {k: v for k, v in client.get(url).context["form"].initial.items() if v is not None}
    response = client.post(url, {**data, "amount": "1e26", "reason": "金额录入错误"})
    assert response.status_code == 400
    assert "999,999,999,999.99" in response.context["form"].errors["amount"][0]


def test_revoke_needs_a_reason_and_keeps_the_record(org, personas, login):
    record = factories.record(org)
    client = login(personas["staff_jinshui"])
    url = reverse("records:record_revoke", args=[record.pk])
    assert client.post(url, {"reason": "   "}).status_code == 400
    record.refresh_from_db()
    assert record.status == RecordStatus.EFFECTIVE.value
    response = client.post(url, {"reason": "处罚决定被复议撤销"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == RecordStatus.REVOKED.value
    detail = client.get(response["Location"]).content.decode()
    assert "处罚决定被复议撤销" in detail and "已撤销" in detail
    # Revoking again reports the service's message on the form.
    again = client.post(url, {"reason": "再次撤销"})
    assert again.status_code == 400 and "只能撤销有效记录" in again.content.decode()


def test_summary_and_names_with_markup_are_escaped(personas, login, civil_affairs):
    org = factories.organization(name="<script>alert(1)</script>")
    factories.record(org, summary="<img src=x onerror=alert(2)>")
    html = login(personas["staff_jinshui"]).get(org_url(org)).content.decode()
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


def test_forms_carry_csrf_tokens(org, personas, login):
    html = login(personas["staff_jinshui"]).get(create_url(org)).content.decode()
    assert html.count('name="csrfmiddlewaretoken"') >= 3  # language switch, logout, the form


def test_english_form_labels(org, personas, login):
    client = login(personas["staff_jinshui"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(create_url(org)).content.decode()
    assert "Issuing department" in html and "Administrative penalty" in html and "Penalty: fine" in html
