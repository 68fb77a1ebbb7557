"""The staff pages: a check from the form, its page, report (HTML and PDF), feedback, the log with
its reminder, statistics, blacklists, the catalogue and its versions, the green-channel section."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from socredit.apps.measures.models import CatalogueVersion, CheckFeedback, CreditCheck
from socredit.core.codes import make_id_number

pytestmark = pytest.mark.django_db


def run(client, user, **data):
    client.force_login(user)
    return client.post(reverse("measures:check_new"), {"scenario": "honours", **data})


def test_a_check_from_the_page_is_logged_shown_and_printed(
    client, personas, serious_org, clean_org, serious_rep
):
    response = run(client, personas["staff_jinshui"], codes=f"{serious_org.code}\n{clean_org.code}, bad",
                   id_numbers=serious_rep.id_number)  # fmt: skip
    check = CreditCheck.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "measures:check_detail", args=[check.number]
    )
    assert (check.subjects_count, check.answered_count, check.made_by, check.channel) == (
        4,
        3,
        personas["staff_jinshui"],
        "form",
    )
    page = client.get(response["Location"]).content.decode()
    assert serious_org.name in page and "《社会组织信用信息管理办法》（民政部令第60号）" in page
    assert serious_rep.id_number not in page
    report = client.get(reverse("measures:check_report", args=[check.number]))
    text = report.content.decode()
    assert report.status_code == 200 and check.number in text and check.digest in text
    assert serious_rep.id_number not in text and "R1.15" not in text and "P-SERIOUS" not in text
    pdf = client.get(reverse("measures:check_report", args=[check.number]) + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_feedback_from_the_page_by_its_maker_only(client, personas, serious_org):
    run(client, personas["staff_jinshui"], codes=serious_org.code)
    check = CreditCheck.objects.get()
    url = reverse("measures:check_feedback", args=[check.number])
    key = "0:P-SERIOUS-NO-HONOURS"
    refused = client.post(url, {f"outcome-{key}": "exempted", f"reason-{key}": ""})
    assert refused.status_code == 400 and not CheckFeedback.objects.exists()
    done = client.post(url, {f"outcome-{key}": "applied"})
    assert done.status_code == 302
    check.refresh_from_db()
    assert check.feedback_complete
    # the city administrator reads the check (supervision) but does not answer for it
    client.force_login(personas["city_admin"])
    assert client.get(reverse("measures:check_detail", args=[check.number])).status_code == 200
    assert client.get(url).status_code == 403
    # another district does not see it at all
    client.force_login(personas["staff_xinzheng"])
    assert client.get(reverse("measures:check_detail", args=[check.number])).status_code == 404


def test_the_log_reminds_of_overdue_feedback_and_statistics_count(client, personas, serious_org, today_is):
    run(client, personas["staff_jinshui"], codes=serious_org.code)
    check = CreditCheck.objects.get()
    today_is(check.feedback_due + dt.timedelta(days=1))
    page = client.get(reverse("measures:check_list")).content.decode()
    assert "您有1次核查逾期未反馈" in page
    stats = client.get(reverse("measures:check_statistics")).content.decode()
    assert personas["staff_jinshui"].username in stats


def test_a_viewer_reads_but_does_not_check(client, personas):
    client.force_login(personas["viewer_jinshui"])
    assert client.get(reverse("measures:check_list")).status_code == 200
    assert client.get(reverse("measures:check_new")).status_code == 403


def test_a_wrong_check_stays_on_the_form_with_the_reason(client, personas):
    response = run(client, personas["staff_jinshui"], codes="")
    assert response.status_code == 400 and not CreditCheck.objects.exists()


def test_an_administrator_saves_a_catalogue_version_and_a_wrong_one_is_refused_with_its_line(
    client, personas
):
    client.force_login(personas["city_admin"])
    url = reverse("measures:catalogue_new")
    text = client.get(url).context["form"].initial["text"]
    wrong = client.post(url, {"text": text, "reason": "试"})  # the same version name
    assert wrong.status_code == 400 and not CatalogueVersion.objects.exists()
    new = text.replace('version = "measures-2019.1"', 'version = "measures-2027.1"').replace(
        "effective_from = 2018-01-24", "effective_from = 2026-12-01"
    )
    broken = client.post(
        url, {"text": new.replace('force = "mandatory"', 'force = "must"', 1), "reason": "试"}
    )
    assert broken.status_code == 400 and "force" in broken.content.decode()
    saved = client.post(url, {"text": new, "reason": "新增措施前的整理"})
    assert saved.status_code == 302
    row = CatalogueVersion.objects.get()
    assert (row.version, row.based_on, row.created_by) == (
        "measures-2027.1",
        "measures-2019.1",
        personas["city_admin"],
    )
    listing = client.get(reverse("measures:catalogue_list")).content.decode()
    assert "measures-2027.1" in listing and "measures-2019.1" in listing
    client.force_login(personas["staff_jinshui"])
    assert client.get(url).status_code == 403


def test_the_green_channel_section_of_the_organization_page(client, personas, xinzheng_org, clean_org):
    client.force_login(personas["city_admin"])
    with translation.override("zh-hans"):
        eligible = client.get(reverse("measures:organization_green_channel", args=[xinzheng_org.code]))
        national = client.get(reverse("measures:organization_green_channel", args=[clean_org.code]))
    assert eligible.status_code == 200
    assert eligible.context["g"]["eligible"] is True and eligible.context["g"]["required_years"] == 3
    assert national.context["g"]["applies"] is False


def test_domain_blacklists_page_masks_id_numbers(client, personas, court_token):
    from socredit.apps.measures.services import push_domain_listings

    number = make_id_number("410105", dt.date(1990, 3, 3), 9)
    push_domain_listings(court_token[0], [{"subject_kind": "person", "id_number": number, "name": "王某",
                                           "entered_on": dt.date(2026, 1, 5),
                                           "document_number": "（2025）豫01执9号"}])  # fmt: skip
    client.force_login(personas["viewer_jinshui"])
    page = client.get(reverse("measures:listing_list")).content.decode()
    assert "王某" in page and number not in page
