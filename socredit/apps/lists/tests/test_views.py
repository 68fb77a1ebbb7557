"""List pages: deciding a proposal through the page (entry, decision, organization section), a
refused decision is a 400 that says why, the removal flow (apply → verify → approve), the printable
notice, the members of a list now and on a past date, the daily run (admins), write access and
region scope (404)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from socredit.apps.lists import services
from socredit.apps.lists.models import ListEntry, ListProposal, ListRun, RemovalApplication
from socredit.apps.lists.tests.conftest import ago, confirm, notify
from socredit.testing import factories

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def text(response):
    return response.content.decode()


def open_proposal(org):
    return ListProposal.objects.get(organization=org, status="proposed")


@pytest.fixture
def warned(org):
    """金水区 organization with a warning: an open R1.6(5) proposal for the abnormal list."""
    factories.record(org, "penalty_warning", occurred_on=ago(10), document_number="金民罚〔2026〕7号")
    return org


@pytest.fixture
def listed(org, actor):
    """金水区 organization on the abnormal list for 90 days (annual report missing)."""
    factories.record(org, "annual_report_missing", occurred_on=ago(100))
    confirm(actor, open_proposal(org), ago(90))
    return ListEntry.objects.get(organization=org)


def test_proposal_page_shows_the_ground_basis_and_records(warned, personas, login):
    client = login(personas["viewer_jinshui"])
    p = open_proposal(warned)
    queue = text(client.get(reverse("lists:proposal_list")))
    assert warned.name in queue and reverse("lists:proposal_detail", args=[p.pk]) in queue
    html = text(client.get(reverse("lists:proposal_detail", args=[p.pk])))
    assert warned.name in html and "金民罚〔2026〕7号" in html
    # the ground by its situation and the law, not its rules.md item
    assert "受到警告或者不满5万元罚款处罚" in html and "民政部令第60号" in html and "R1.6(5)" not in html
    assert "活动异常名录" in html
    assert reverse("lists:proposal_confirm", args=[p.pk]) not in html  # a viewer has no forms


def test_confirm_through_the_page_lists_the_organization(warned, personas, login):
    client = login(personas["staff_jinshui"])
    p = open_proposal(warned)
    page = text(client.get(reverse("lists:proposal_detail", args=[p.pk])))
    assert reverse("lists:proposal_confirm", args=[p.pk]) in page
    assert reverse("lists:proposal_notice", args=[p.pk]) in page and "未送达事先告知" in page
    decide = {"document_number": "郑民名〔2026〕9号", "decided_on": ago(2).isoformat(), "authority": ""}
    refused = client.post(reverse("lists:proposal_confirm", args=[p.pk]), decide)
    assert (
        refused.status_code == 400 and "R1.5" not in text(refused) and "尚未送达事先告知书" in text(refused)
    )
    served = client.post(
        reverse("lists:proposal_notice", args=[p.pk]),
        {"method": "written", "served_on": ago(3).isoformat(), "document_number": "郑民告〔2026〕9号"},
    )
    notice = p.notices.get()
    assert served.status_code == 302 and served["Location"] == reverse(
        "lists:notice_detail", args=[notice.pk]
    )
    page = text(client.get(reverse("lists:proposal_detail", args=[p.pk])))
    assert "已送达事先告知" in page and reverse("lists:notice_detail", args=[notice.pk]) in page
    assert "陈述申辩" in page and reverse("lists:statement_waive", args=[p.pk]) in page
    early = client.post(reverse("lists:proposal_confirm", args=[p.pk]), decide)
    assert early.status_code == 400 and "陈述申辩期限尚未届满" in text(early)
    assert str(p.notices.get().statement_due_on) in text(early)
    waived = client.post(reverse("lists:statement_waive", args=[p.pk]), {"received_on": ago(3).isoformat()})
    assert waived.status_code == 302 and p.statements.get().outcome == "waived"
    response = client.post(reverse("lists:proposal_confirm", args=[p.pk]), decide)
    entry = ListEntry.objects.get(organization=warned)
    assert response.status_code == 302
    assert response["Location"] == reverse("lists:decision_detail", args=[entry.entry_decision_id])
    assert (entry.list, entry.ground, entry.entered_on) == ("abnormal", "R1.6(5)", ago(2))
    section = client.get(reverse("lists:organization_lists", args=[warned.code]), **HX)
    html = text(section)
    assert section.status_code == 200 and "<html" not in html
    assert "郑民名〔2026〕9号" in html and "受到警告或者不满5万元罚款处罚" in html and "活动异常名录" in html
    assert "R1.6(5)" not in html
    # the organization page loads that section
    detail = text(client.get(reverse("registry:organization_detail", args=[warned.code])))
    assert f'hx-get="{reverse("lists:organization_lists", args=[warned.code])}"' in detail
    # and the member list shows it
    members = text(client.get(reverse("lists:entry_list", args=["abnormal"])))
    assert warned.name in members and "郑民名〔2026〕9号" in members


def test_a_confirm_without_document_number_is_a_400_with_the_message(warned, personas, login):
    p = open_proposal(warned)
    response = login(personas["staff_jinshui"]).post(
        reverse("lists:proposal_confirm", args=[p.pk]),
        {"document_number": "", "decided_on": ago(1).isoformat()},
    )
    assert response.status_code == 400
    assert "决定须有文号" in text(response)
    assert not ListEntry.objects.filter(organization=warned).exists()


def test_dismiss_needs_a_reason_and_exempt_needs_a_certificate(warned, personas, login):
    client = login(personas["staff_jinshui"])
    p = open_proposal(warned)
    response = client.post(reverse("lists:proposal_dismiss", args=[p.pk]), {"reason": ""})
    assert response.status_code == 400 and "请说明不予列入的理由" in text(response)
    response = client.post(
        reverse("lists:proposal_exempt", args=[p.pk]),
        {"certificate": "", "document_number": "X1", "decided_on": ago(1).isoformat()},
    )
    assert response.status_code == 400 and "不负直接责任的书面证明" in text(response)
    response = client.post(reverse("lists:proposal_dismiss", args=[p.pk]), {"reason": "情节轻微，已当场改正"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == "dismissed"


def test_removal_flow_through_the_pages(listed, personas, login):
    client = login(personas["staff_jinshui"])
    form = client.get(reverse("lists:removal_apply", args=[listed.pk]))
    assert form.status_code == 200
    bad = client.post(reverse("lists:removal_apply", args=[listed.pk]), {"applied_on": ago(6).isoformat()})
    assert bad.status_code == 400 and "证明材料" in text(bad)
    response = client.post(
        reverse("lists:removal_apply", args=[listed.pk]),
        {"applied_on": ago(6).isoformat(), "evidence": "已补报年度工作报告"},
    )
    assert response.status_code == 302
    app = RemovalApplication.objects.get(entry=listed)
    due = text(client.get(reverse("lists:removals_due")))
    assert "已补报年度工作报告" in due and reverse("lists:removal_verify", args=[app.pk]) in due
    # approving before verifying is refused with the reason
    early = client.post(
        reverse("lists:removal_decide", args=[app.pk]),
        {"approve": "1", "decided_on": ago(1).isoformat(), "document_number": "郑民移〔2026〕1号"},
    )
    assert early.status_code == 400 and "申请尚未查实" in text(early)
    response = client.post(
        reverse("lists:removal_verify", args=[app.pk]),
        {"verified_on": ago(5).isoformat(), "fulfilment_confirmed": "on"},
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.deadline is not None
    assert app.deadline.isoformat() in text(client.get(reverse("lists:removals_due")))
    response = client.post(
        reverse("lists:removal_decide", args=[app.pk]),
        {"approve": "1", "decided_on": ago(1).isoformat(), "document_number": "郑民移〔2026〕1号"},
    )
    app.refresh_from_db()
    listed.refresh_from_db()
    assert response.status_code == 302, text(response)
    assert app.status == "approved" and listed.left_on == ago(1) and listed.exit_ground == "R1.10(a)"
    assert response["Location"] == reverse("lists:decision_detail", args=[app.decision_id])
    history = text(client.get(reverse("lists:organization_lists", args=[listed.organization.code])))
    assert "郑民移〔2026〕1号" in history and "申请移出活动异常名录" in history and "R1.10" not in history


def test_overdue_applications_are_marked(listed, actor, personas, login):
    app = services.apply_for_removal(actor, listed, evidence="已补报", applied_on=ago(40))
    services.verify_removal(actor, app, verified_on=ago(30))
    html = text(login(personas["viewer_jinshui"]).get(reverse("lists:removals_due")))
    assert "removal overdue" in html and "已逾期" in html


def test_refusal_needs_a_reason(listed, actor, personas, login):
    app = services.apply_for_removal(actor, listed, evidence="已补报", applied_on=ago(6))
    client = login(personas["staff_jinshui"])
    response = client.post(
        reverse("lists:removal_decide", args=[app.pk]), {"refuse": "1", "decided_on": ago(1).isoformat()}
    )
    assert response.status_code == 400 and "不予移出须说明理由" in text(response)
    response = client.post(
        reverse("lists:removal_decide", args=[app.pk]),
        {"refuse": "1", "decided_on": ago(1).isoformat(), "reason": "材料不全"},
    )
    app.refresh_from_db()
    assert response.status_code == 302 and app.status == "refused"


def test_decision_page_and_printable_notice(listed, personas, login):
    client = login(personas["viewer_jinshui"])
    url = reverse("lists:decision_detail", args=[listed.entry_decision_id])
    html = text(client.get(url))
    assert "郑民名〔2026〕1号" in html and "活动异常名录" in html
    assert listed.entry_decision.legal_basis[:20] in html and listed.ground not in html
    printed = client.get(url, {"print": "1"})
    page = text(printed)
    assert printed.status_code == 200
    assert "郑民名〔2026〕1号" in page and listed.organization.name in page and listed.ground not in page
    assert "@media print" in page and 'class="topbar"' not in page
    assert "打印决定书" in page and "下载PDF" in page and "（印章）" in page


def test_members_on_a_past_date(listed, actor, personas, login):
    client = login(personas["viewer_jinshui"])
    url = reverse("lists:entry_list", args=["abnormal"])
    name = listed.organization.name
    assert name in text(client.get(url))
    assert name not in text(client.get(url, {"as_of": ago(120).isoformat()}))
    assert name in text(client.get(url, {"as_of": ago(60).isoformat(), "region": "410105"}))
    assert name not in text(client.get(url, {"region": "410184"}))
    for named in ("金水区", "金水"):
        assert name in text(client.get(url, {"region": named}))
    unknown = client.get(url, {"region": "不存在区"})
    assert unknown.status_code == 400 and "“不存在区”" in text(unknown)
    assert name not in text(client.get(url, {"q": "不存在的名字"}))
    assert client.get(reverse("lists:entry_list", args=["nothing"])).status_code == 404
    assert client.get(url, {"as_of": "2024-13-40"}).status_code == 400


def test_viewer_cannot_confirm(warned, personas, login):
    p = open_proposal(warned)
    response = login(personas["viewer_jinshui"]).post(
        reverse("lists:proposal_confirm", args=[p.pk]),
        {"document_number": "X", "decided_on": ago(1).isoformat()},
    )
    assert response.status_code == 403
    assert not ListEntry.objects.filter(organization=warned).exists()


def test_out_of_region_is_404(listed, warned, personas, login):
    client = login(personas["staff_xinzheng"])
    p = open_proposal(warned)
    assert (
        client.post(reverse("lists:proposal_confirm", args=[p.pk]), {"document_number": "X"}).status_code
        == 404
    )
    assert client.get(reverse("lists:decision_detail", args=[listed.entry_decision_id])).status_code == 404
    assert client.get(reverse("lists:organization_lists", args=[listed.organization.code])).status_code == 404
    assert client.get(reverse("lists:removal_apply", args=[listed.pk])).status_code == 404
    assert listed.organization.name not in text(client.get(reverse("lists:entry_list", args=["abnormal"])))
    assert warned.name not in text(client.get(reverse("lists:proposal_list")))


def test_daily_run_is_started_by_administrators(personas, login):
    url = reverse("lists:run_start")
    assert login(personas["staff_jinshui"]).post(url).status_code == 403
    response = login(personas["city_admin"]).post(url)
    assert response.status_code == 302 and ListRun.objects.count() == 1
    html = text(login(personas["city_admin"]).get(reverse("lists:run_list")))
    assert reverse("lists:run_start") in html


def test_announcement_through_the_page_checks_the_letters(warned, personas, login):
    client = login(personas["staff_jinshui"])
    p = open_proposal(warned)
    form = {"method": "announcement", "served_on": ago(1).isoformat(), "document_number": "公告〔2026〕1号",
            "first_mailed_on": ago(40).isoformat(), "first_unsigned": "on",
            "second_mailed_on": ago(26).isoformat(), "second_unsigned": "on"}  # fmt: skip
    refused = client.post(reverse("lists:proposal_notice", args=[p.pk]), form)
    assert refused.status_code == 400 and "间隔14日" in text(refused) and not p.notices.exists()
    form["second_mailed_on"] = ago(25).isoformat()
    assert client.post(reverse("lists:proposal_notice", args=[p.pk]), form).status_code == 302
    assert p.notices.get().method == "announcement"


def test_viewer_cannot_serve_a_notice(warned, personas, login):
    p = open_proposal(warned)
    response = login(personas["viewer_jinshui"]).post(
        reverse("lists:proposal_notice", args=[p.pk]),
        {"method": "written", "served_on": ago(1).isoformat(), "document_number": "X"},
    )
    assert response.status_code == 403 and not p.notices.exists()


def test_notice_page_and_printable_notice_show_the_facts_and_rights(warned, actor, personas, login):
    p = open_proposal(warned)
    notice = notify(actor, p, ago(2), "郑民告〔2026〕3号")
    client = login(personas["viewer_jinshui"])
    url = reverse("lists:notice_detail", args=[notice.pk])
    html = text(client.get(url))
    assert "郑民告〔2026〕3号" in html and "受到警告或者不满5万元罚款处罚" in html and warned.name in html
    assert "R1.6(5)" not in html
    printed = client.get(url, {"print": "1"})
    page = text(printed)
    assert printed.status_code == 200 and "@media print" in page and 'class="topbar"' not in page
    assert "列入事先告知书" in page and "打印告知书" in page and "打印决定书" not in page
    for part in ("金民罚〔2026〕7号", "事实", "理由", "依据", "陈述、申辩", warned.code, "郑民告〔2026〕3号"):
        assert part in page, part
    assert login(personas["staff_xinzheng"]).get(url).status_code == 404
