"""The 异议中 mark (R6.2) where a record is read: the records API (departments see their record is
under objection, with the case number) and every page that shows the record."""

from __future__ import annotations

import pytest
from django.urls import reverse

from socredit.apps.cases.models import Case
from socredit.apps.cases.services import objections
from socredit.apps.lists.models import ListProposal
from socredit.apps.lists.tests.conftest import ago
from socredit.common.errors import FieldErrors
from socredit.testing import factories

pytestmark = pytest.mark.django_db

BADGE = 'title="该信息正在异议处理中'
"""The 异议中 badge of records/partials/_objection_badge.html (its Chinese title)."""


@pytest.fixture
def org(personas):
    return factories.organization(region_code="410105", name="郑州市金水区异议标注测试协会")


def api_record(client, raw, record_id):
    response = client.get(f"/api/v1/records/{record_id}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    return response.json()


def api_list(client, raw, org):
    response = client.get(f"/api/v1/organizations/{org.code}/records", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    return {item["id"]: item for item in response.json()["items"]}


def file(org, record):
    return objections.file_objection(
        factories.org_account(org), channel="organization", organization=org, records=[record],
        reasons="该警告的决定日期有误，请核实。",
    )  # fmt: skip


def test_the_records_api_shows_the_mark_and_the_case_number_while_the_objection_is_open(
    client, org, personas, civil_affairs
):
    record = factories.record(org, "penalty_warning")
    other = factories.record(org, "penalty_warning")
    _token, raw = factories.token(["records:read"], civil_affairs)
    before = api_record(client, raw, record.pk)
    assert before["under_objection"] is False and before["objection_number"] is None
    case = file(org, record)
    during = api_record(client, raw, record.pk)
    assert during["under_objection"] is True and during["objection_number"] == case.number
    listed = api_list(client, raw, org)
    assert (
        listed[record.pk]["under_objection"] is True and listed[record.pk]["objection_number"] == case.number
    )
    assert listed[other.pk]["under_objection"] is False and listed[other.pk]["objection_number"] is None
    objections.decide(personas["staff_jinshui"], case, reason="经核查，警告决定事实清楚，维持。",
                      actions={record.pk: {"action": "upheld"}})  # fmt: skip
    after = api_record(client, raw, record.pk)
    assert after["under_objection"] is False and after["objection_number"] is None


def test_pages_showing_the_record_carry_the_mark_while_the_objection_is_open(client, org, personas, login):
    record = factories.record(org, "penalty_warning", document_number="郑民罚〔2026〕501号")
    staff = personas["staff_jinshui"]
    [proposal] = ListProposal.objects.filter(organization=org)
    pages = {
        "record detail": reverse("records:record_detail", args=[record.pk]),
        "organization credit file": reverse("registry:organization_detail", args=[org.code]),
        "list proposal": reverse("lists:proposal_detail", args=[proposal.pk]),
    }
    login(staff)
    for name, url in pages.items():
        assert BADGE not in client.get(url).content.decode(), name
    case = file(org, record)
    for name, url in pages.items():
        assert BADGE in client.get(url).content.decode(), name
    assert proposal.records.filter(pk=record.pk).exists()
    account = factories.org_account(org, "mark_test_org")
    login(account)
    assert '<span class="badge badge-warn">异议中</span>' in client.get(reverse("my:home")).content.decode()
    login(staff)
    objections.decide(
        staff, case, reason="经核查，警告决定事实清楚，维持。", actions={record.pk: {"action": "upheld"}}
    )
    for name, url in pages.items():
        assert BADGE not in client.get(url).content.decode(), name


def test_a_paper_objection_received_before_the_penalty_decision_is_refused_and_nothing_is_marked(
    org, personas
):
    record = factories.record(org, "penalty_warning", occurred_on=ago(40), decided_on=ago(5),
                              document_number="郑民罚〔2026〕502号")  # fmt: skip
    with pytest.raises(FieldErrors) as refused:
        objections.file_objection(personas["staff_jinshui"], channel="paper", organization=org, records=[record],
                                  reasons="该警告的决定日期有误，请核实。", received_on=ago(6))  # fmt: skip
    message = refused.value.errors["received_on"][0]
    assert "郑民罚〔2026〕502号" in message and str(ago(5)) in message
    record.refresh_from_db()
    assert not record.under_objection and not Case.objects.exists()
