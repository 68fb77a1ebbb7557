"""信用修复 pages: the organization checks a record (what is missing and what to do), applies with
several evidence files, or starts the lists' removal procedure; staff read the checklist and act
on the case. Bad input is a 400 with the reasons shown and nothing written; other regions get 404,
read-only posts 403."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from socredit.apps.accounts.models import User
from socredit.apps.cases.models import Case
from socredit.apps.cases.services import repairs
from socredit.apps.cases.tests.test_repairs import commit, fine
from socredit.apps.lists.models import ListDecision, ListEntry, RemovalApplication
from socredit.apps.records.models import CreditRecord
from socredit.core.types import RecordStatus
from socredit.testing import factories

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def org(personas, civil_affairs):
    return factories.organization("410105", name="金水区养老服务协会")


@pytest.fixture
def org_user(org):
    return User.objects.create_user(username="org_self", password="x", organization=org, full_name="王经办")


@pytest.fixture
def record(org, personas):
    return fine(org, repairs.today() - dt.timedelta(days=150), officer=personas["staff_jinshui"])


def pdf(name):
    return SimpleUploadedFile(name, b"%PDF-1.4 proof", content_type="application/pdf")


def form_data(**extra):
    return {"reasons": "已缴清罚款", "obligations_statement": "已缴清并整改", "applicant_name": "王经办",
            "applicant_contact": "13800000000", **extra}  # fmt: skip


# --- organization -------------------------------------------------------------------------------------------


def test_check_page_shows_what_is_missing_and_where_to_sign(login, org_user, record):
    r = login(org_user).get(reverse("my:repair_check", args=[record.pk]))
    assert r.status_code == 200
    body = r.content.decode()
    assert "尚未签署信用修复承诺书" in body and reverse("my_commitments:commitment_sign") in body
    assert "《信用修复管理办法》" in body and reverse("my:repair_apply", args=[record.pk]) in body
    assert "R2.9" not in body and "national-20" not in body


def test_index_lists_records_and_listings(login, org_user, record):
    r = login(org_user).get(reverse("my:repair_index"))
    assert r.status_code == 200 and reverse("my:repair_check", args=[record.pk]) in r.content.decode()


def test_apply_with_several_files_opens_a_case(login, org_user, record):
    c = login(org_user)
    assert (
        'type="file" name="evidence" multiple'
        in c.get(reverse("my:repair_apply", args=[record.pk])).content.decode()
    )
    r = c.post(
        reverse("my:repair_apply", args=[record.pk]),
        {**form_data(), "evidence": [pdf("a.pdf"), pdf("b.pdf")]},
    )
    assert r.status_code == 302
    case = Case.objects.get()
    assert case.channel == "organization" and case.evidence.count() == 2 and case.filed_by_label == "org_self"


def test_apply_with_a_bad_file_is_400_and_writes_nothing(login, org_user, record):
    bad = SimpleUploadedFile("证明.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    r = login(org_user).post(
        reverse("my:repair_apply", args=[record.pk]), {**form_data(reasons=""), "evidence": [bad]}
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert "证明.exe" in body and "请填写申请理由" in body
    assert not Case.objects.exists()


def test_organization_cannot_open_another_organizations_record(login, org_user, personas):
    other = factories.organization("410105", name="另一协会")
    record = fine(other, D(2026, 1, 5), officer=personas["staff_jinshui"])
    c = login(org_user)
    assert c.get(reverse("my:repair_check", args=[record.pk])).status_code == 404
    assert c.post(reverse("my:repair_apply", args=[record.pk]), form_data()).status_code == 404


def test_staff_cannot_use_organization_pages(login, personas, record):
    assert (
        login(personas["staff_jinshui"]).get(reverse("my:repair_check", args=[record.pk])).status_code == 403
    )


def test_listing_points_to_and_starts_the_removal_procedure(login, org_user, org, record):
    decision = ListDecision.objects.create(organization=org, kind="entry", list="abnormal", ground="R1.6(5)",
                                           legal_basis="R1.6(5)", document_number="郑民异〔2026〕1号",
                                           authority_name="郑州市民政局", decided_on=record.decided_on,
                                           confirmed_by_label="t", policy_version="national-2026.1")  # fmt: skip
    entry = ListEntry.objects.create(organization=org, list="abnormal", ground="R1.6(5)", entered_on=record.decided_on,
                                     clock_start=record.decided_on, trigger_record=record, entry_decision=decision)  # fmt: skip
    c = login(org_user)
    body = c.get(reverse("my:repair_check", args=[record.pk])).content.decode()
    assert reverse("my:repair_list_removal", args=[entry.pk]) in body
    r = c.post(reverse("my:repair_apply", args=[record.pk]), {**form_data(), "evidence": [pdf("a.pdf")]})
    assert r.status_code == 400 and "移出程序" in r.content.decode() and not Case.objects.exists()
    assert c.post(reverse("my:repair_list_removal", args=[entry.pk]), {"evidence": ""}).status_code == 400
    r = c.post(reverse("my:repair_list_removal", args=[entry.pk]), {"evidence": "已完成整改，见附件"})
    assert r.status_code == 302
    assert RemovalApplication.objects.get(entry=entry).status == "pending"


# --- staff --------------------------------------------------------------------------------------------------


def _case(org, record, user):
    return repairs.apply_for_repair(user, "paper", org, record, reasons="已缴清", obligations_statement="已缴清",
                                    files=[pdf("a.pdf")], applicant_name="王经办", applicant_contact="138")  # fmt: skip


def test_staff_eligibility_page_and_region_scope(login, personas, record):
    url = reverse("cases:repair_eligibility", args=[record.pk])
    r = login(personas["staff_jinshui"]).get(url)
    assert r.status_code == 200 and "最短公示期已满" in r.content.decode()
    assert login(personas["staff_xinzheng"]).get(url).status_code == 404


def test_staff_accept_and_decide_through_the_pages(login, personas, org, record):
    officer = personas["staff_jinshui"]
    commit(org)
    case = _case(org, record, officer)
    c = login(officer)
    page = c.get(reverse("cases:case_detail", args=[case.number])).content.decode()
    assert reverse("cases:repair_accept", args=[case.pk]) in page
    r = c.post(reverse("cases:repair_decide", args=[case.pk]), {"approve": "1", "reason": "符合条件"})
    assert r.status_code == 400 and "须先完成" in r.content.decode()
    r = c.post(reverse("cases:repair_accept", args=[case.pk]), {"on": ""})
    assert r.status_code == 400 and "须核实申请人已履行义务" in r.content.decode()
    assert (
        c.post(reverse("cases:repair_accept", args=[case.pk]), {"obligations_confirmed": "on"}).status_code
        == 302
    )
    r = c.post(reverse("cases:repair_decide", args=[case.pk]), {"approve": "1", "reason": ""})
    assert r.status_code == 400 and "请填写决定理由" in r.content.decode()
    assert (
        c.post(
            reverse("cases:repair_decide", args=[case.pk]), {"approve": "1", "reason": "符合条件"}
        ).status_code
        == 302
    )
    record.refresh_from_db()
    assert record.status == RecordStatus.REPAIRED.value
    assert CreditRecord.objects.filter(pk=record.pk, ended_on=repairs.today()).exists()


def test_read_only_and_other_region_cannot_act(login, personas, org, record):
    case = _case(org, record, personas["staff_jinshui"])
    url = reverse("cases:repair_accept", args=[case.pk])
    assert login(personas["viewer_jinshui"]).post(url, {"obligations_confirmed": "on"}).status_code == 403
    assert login(personas["staff_xinzheng"]).post(url, {"obligations_confirmed": "on"}).status_code == 404
    assert login(personas["staff_jinshui"]).get(url).status_code == 405
    case.refresh_from_db()
    assert case.stage == "accept"
