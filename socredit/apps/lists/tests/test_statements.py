"""陈述申辩 before a listing: the period in working days across holidays, the decision refused before it
ends, a waiver, a statement pending review, a statement not upheld (the answer in the decision) or
upheld (the proposal withdrawn), late statements, and nothing half-written on a refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from socredit.apps.audit.models import AuditEvent
from socredit.apps.lists import services
from socredit.apps.lists.models import ListDecision, ListEntry, ListProposal, ListStatement, StatementEvidence
from socredit.apps.lists.tests.conftest import notify
from socredit.common.errors import FieldErrors
from socredit.testing import factories

pytestmark = pytest.mark.django_db

SERVED = dt.date(2025, 9, 30)
"""The eve of 国庆 2025: 10-01 to 10-08 are days off, Saturday 10-11 is a 调休 working day."""
DUE = dt.date(2025, 10, 14)
"""Five working days after SERVED: 10-09, 10-10, 10-11 (Sat.), 10-13, 10-14."""


def counts():
    return (ListDecision.objects.count(), ListEntry.objects.count(), ListStatement.objects.count(),
            StatementEvidence.objects.count())  # fmt: skip


@pytest.fixture
def served(org, actor, today_is):
    """A warning of 2025-09-20, its abnormal-list proposal, and the prior notice served on SERVED."""
    today_is(dt.date(2025, 9, 30))
    factories.record(
        org, "penalty_warning", occurred_on=dt.date(2025, 9, 20), document_number="金民罚〔2025〕3号"
    )
    proposal = ListProposal.objects.get(organization=org, status="proposed")
    return notify(actor, proposal, SERVED, "郑民告〔2025〕8号")


def decide(actor, notice, day, number="郑民名〔2025〕8号"):
    return services.confirm_proposal(actor, notice.proposal, document_number=number, decided_on=day)


def file(actor, notice, day, text="年度报告已按时报送，警告所涉问题已整改。", **kw):
    return services.file_statement(actor, notice, text=text, received_on=day, channel="paper", **kw)


def test_the_period_is_counted_in_working_days_across_the_national_day_holidays(served, actor, today_is):
    assert served.statement_due_on == DUE
    assert "自收到本告知书之日起5个工作日内（至2025年10月14日）提出陈述、申辩" in served.text
    assert "lists.notice" not in served.text and "R1.5" not in served.text
    today_is(DUE)
    before = counts()
    with pytest.raises(FieldErrors) as refused:
        decide(actor, served, DUE)
    message = refused.value.errors["decided_on"][0]
    assert "2025-10-14" in message and "郑民告〔2025〕8号" in message and "尚未届满" in message
    assert counts() == before and served.proposal.status == "proposed"
    today_is(DUE + dt.timedelta(days=1))
    decision = decide(actor, served, DUE + dt.timedelta(days=1))
    assert (
        decision.decided_on == dt.date(2025, 10, 15)
        and ListEntry.objects.filter(entry_decision=decision).exists()
    )
    assert "你单位在规定期限内未提出陈述、申辩" in decision.notice_text
    assert decision.notice_text.index("未提出陈述、申辩") < decision.notice_text.index("本机关决定")
    assert isinstance(
        services.statement_for_decision(decision.proposals.get()), services.statements.NoStatement
    )


def test_the_decision_page_says_no_statement_was_received_within_the_period(
    served, actor, personas, login, today_is
):
    from django.urls import reverse

    today_is(dt.date(2025, 10, 15))
    decision = decide(actor, served, dt.date(2025, 10, 15))
    page = html(login(personas["viewer_jinshui"]).get(reverse("lists:decision_detail", args=[decision.pk])))
    assert "陈述申辩期限（至 2025-10-14）内未收到陈述申辩" in page


def test_a_waiver_lets_the_decision_proceed_from_the_day_of_the_waiver(served, actor, today_is):
    today_is(dt.date(2025, 10, 9))
    waiver = services.file_statement(actor, served, text="", received_on=dt.date(2025, 10, 9), channel="paper",
                                     waive=True)  # fmt: skip
    assert waiver.outcome == "waived" and waiver.text == ""
    with pytest.raises(FieldErrors) as refused:
        decide(actor, served, dt.date(2025, 10, 8))
    assert "2025-10-09" in refused.value.errors["decided_on"][0]
    decision = decide(actor, served, dt.date(2025, 10, 9))
    assert "你单位于2025年10月9日书面表示放弃陈述、申辩" in decision.notice_text
    assert services.decision_statement(decision) == waiver
    assert AuditEvent.objects.filter(action="lists.waiver").count() == 1


def test_a_statement_awaiting_review_blocks_the_decision_and_one_not_upheld_goes_into_it(
    served, actor, today_is
):
    today_is(dt.date(2025, 10, 20))
    statement = file(actor, served, dt.date(2025, 10, 10))
    assert statement.outcome == "pending"
    before = counts()
    with pytest.raises(FieldErrors) as refused:
        decide(actor, served, dt.date(2025, 10, 20))
    assert (
        "2025-10-10" in refused.value.errors["__all__"][0]
        and "尚未复核" in refused.value.errors["__all__"][0]
    )
    with pytest.raises(FieldErrors) as no_reason:
        services.answer_statement(
            actor, statement, upheld=False, answer=" ", answered_on=dt.date(2025, 10, 16)
        )
    assert "answer" in no_reason.value.errors
    with pytest.raises(FieldErrors) as early:
        services.answer_statement(
            actor, statement, upheld=False, answer="理由", answered_on=dt.date(2025, 10, 9)
        )
    assert "2025-10-10" in early.value.errors["answered_on"][0]
    assert counts() == before
    statement.refresh_from_db()
    assert statement.outcome == "pending" and statement.answer == ""
    services.answer_statement(actor, statement, upheld=False, answered_on=dt.date(2025, 10, 16),
                              answer="所称整改材料未能证明警告所涉问题已于处罚前纠正")  # fmt: skip
    with pytest.raises(FieldErrors) as before_answer:
        decide(actor, served, dt.date(2025, 10, 15))
    assert "2025-10-16" in before_answer.value.errors["decided_on"][0]
    decision = decide(actor, served, dt.date(2025, 10, 16))
    assert "经复核，你单位陈述、申辩的理由不成立" in decision.notice_text
    assert "所称整改材料未能证明警告所涉问题已于处罚前纠正" in decision.notice_text
    assert services.decision_statement(decision).pk == statement.pk
    with pytest.raises(FieldErrors) as twice:
        services.answer_statement(actor, statement, upheld=True, answer="", answered_on=dt.date(2025, 10, 17))
    assert "不能再次答复" in twice.value.errors["__all__"][0]


def test_an_upheld_statement_withdraws_the_proposal_and_nothing_is_listed(served, actor, org, today_is):
    today_is(dt.date(2025, 10, 20))
    statement = file(actor, served, dt.date(2025, 10, 13))
    services.answer_statement(actor, statement, upheld=True, answer="", answered_on=dt.date(2025, 10, 17))
    proposal = ListProposal.objects.get(pk=served.proposal_id)
    assert (proposal.status, proposal.dismiss_reason, proposal.decided_on) == (
        "dismissed", "陈述申辩理由成立", dt.date(2025, 10, 17)
    )  # fmt: skip
    before = counts()
    with pytest.raises(FieldErrors) as refused:
        decide(actor, served, dt.date(2025, 10, 20))
    assert "已处理" in refused.value.errors["__all__"][0]
    services.propose_from_records([org.pk])  # the record is consumed: no new proposal
    assert not ListProposal.objects.filter(organization=org, status="proposed").exists()
    assert counts() == before and not ListEntry.objects.filter(organization=org).exists()
    assert AuditEvent.objects.filter(action="lists.statement_answer").count() == 1


def test_a_statement_after_the_period_or_twice_or_empty_is_refused_and_nothing_is_stored(
    served, actor, today_is
):
    today_is(dt.date(2025, 10, 20))
    before = counts()
    with pytest.raises(FieldErrors) as late:
        file(actor, served, dt.date(2025, 10, 15))
    message = late.value.errors["received_on"][0]
    assert "2025-10-14" in message and "届满" in message and "不予受理" in message
    with pytest.raises(FieldErrors) as late_waiver:
        services.file_statement(
            actor, served, text="", received_on=dt.date(2025, 10, 15), channel="paper", waive=True
        )
    assert "2025-10-14" in late_waiver.value.errors["received_on"][0]
    with pytest.raises(FieldErrors) as empty:
        file(actor, served, dt.date(2025, 10, 10), text="  ")
    assert "text" in empty.value.errors
    with pytest.raises(FieldErrors) as early:
        file(actor, served, dt.date(2025, 9, 29))
    assert "2025-09-30" in early.value.errors["received_on"][0]
    with pytest.raises(FieldErrors) as future:
        file(actor, served, dt.date(2025, 10, 21))
    assert "不能晚于今天" in future.value.errors["received_on"][0]
    bad = SimpleUploadedFile("整改报告.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(FieldErrors) as bad_file:
        file(actor, served, dt.date(2025, 10, 10), files=[bad])
    assert "整改报告.pdf" in bad_file.value.errors["evidence"][0]
    assert counts() == before
    good = SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    statement = file(actor, served, dt.date(2025, 10, 10), files=[good])
    assert [e.original_name for e in statement.evidence.all()] == ["整改报告.pdf"]
    with pytest.raises(FieldErrors) as twice:
        services.file_statement(
            actor, served, text="", received_on=dt.date(2025, 10, 11), channel="paper", waive=True
        )
    assert "2025-10-10" in twice.value.errors["__all__"][0] and "不能重复" in twice.value.errors["__all__"][0]
    assert ListStatement.objects.count() == 1


def test_an_announcement_counts_the_period_from_the_day_it_is_published(org, actor, today_is):
    from socredit.core.lists.notice import Mailing

    today_is(dt.date(2025, 12, 31))
    factories.record(org, "penalty_warning", occurred_on=dt.date(2025, 11, 1))
    proposal = ListProposal.objects.get(organization=org, status="proposed")
    letters = [Mailing(dt.date(2025, 11, 3), False), Mailing(dt.date(2025, 11, 20), False)]
    notice = notify(actor, proposal, dt.date(2025, 12, 26), method="announcement", mailings=letters)
    # Friday 12-26 → 12-29, 12-30, 12-31, (元旦 01-01 to 01-03 off) Sunday 01-04 (调休), Monday 01-05
    assert notice.statement_due_on == dt.date(2026, 1, 5)
    assert "自本公告发布之日起5个工作日内（至2026年1月5日）" in notice.text


# --- pages ---------------------------------------------------------------------------------------------


def html(response):
    return response.content.decode()


def test_the_organization_states_its_case_from_its_account_and_reads_the_answer(
    served, org, actor, personas, login, today_is
):  # fmt: skip
    from django.urls import reverse

    today_is(dt.date(2025, 10, 9))
    own = login(factories.org_account(org))
    listing = html(own.get(reverse("my_lists:notice_list")))
    assert "郑民告〔2025〕8号" in listing and "2025-10-14" in listing and "剩4个工作日" in listing
    url = reverse("my_lists:notice_detail", args=[served.pk])
    page = html(own.get(url))
    assert "提交陈述申辩" in page and "放弃陈述申辩" in page and "自收到本告知书之日起5个工作日内" in page
    empty = own.post(url, {"action": "statement", "text": ""})
    assert empty.status_code == 400 and "请填写陈述、申辩的事实和理由" in html(empty)
    report = SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    sent = own.post(
        url, {"action": "statement", "text": "警告所涉问题已于处罚前纠正。", "evidence": [report]}
    )
    assert sent.status_code == 302
    statement = ListStatement.objects.get()
    assert (statement.channel, statement.received_on, statement.outcome) == (
        "account",
        dt.date(2025, 10, 9),
        "pending",
    )
    assert statement.created_by.is_org_account
    [evidence] = statement.evidence.all()
    assert own.get(reverse("my_lists:evidence_download", args=[evidence.pk])).status_code == 200
    # staff of the region see it on the proposal page and answer it
    staff = login(personas["staff_jinshui"])
    block = html(staff.get(reverse("lists:proposal_statement", args=[served.proposal_id])))
    assert "警告所涉问题已于处罚前纠正。" in block and "整改报告.pdf" in block and "待复核" in block
    assert staff.get(reverse("lists:statement_evidence", args=[evidence.pk])).status_code == 200
    refused = staff.post(reverse("lists:statement_answer", args=[statement.pk]),
                         {"outcome": "rejected", "answer": "", "answered_on": "2025-10-09"})  # fmt: skip
    assert refused.status_code == 400 and "须写明不予采纳的理由" in html(refused)
    answered = staff.post(reverse("lists:statement_answer", args=[statement.pk]),
                          {"outcome": "rejected", "answer": "纠正发生在处罚决定之后", "answered_on": "2025-10-09"})  # fmt: skip
    assert answered.status_code == 302
    decision = decide(actor, served, dt.date(2025, 10, 9))
    detail = html(staff.get(reverse("lists:decision_detail", args=[decision.pk])))
    assert "纠正发生在处罚决定之后" in detail and "经复核，你单位陈述、申辩的理由不成立" in detail
    own = login(factories.org_account(org))  # the same test client, signed in as the organization again
    assert "纠正发生在处罚决定之后" in html(own.get(url))


def test_an_organization_cannot_see_or_file_on_another_organizations_notice(
    served, personas, login, today_is
):
    from django.urls import reverse

    today_is(dt.date(2025, 10, 9))
    other = login(factories.org_account(factories.organization("410105")))
    url = reverse("my_lists:notice_detail", args=[served.pk])
    assert other.get(url).status_code == 404
    assert other.post(url, {"action": "waive", "text": ""}).status_code == 404
    assert "郑民告〔2025〕8号" not in html(other.get(reverse("my_lists:notice_list")))
    assert login(personas["staff_jinshui"]).get(url).status_code == 403
    assert not ListStatement.objects.exists()


def test_a_late_statement_from_the_account_is_refused_with_the_last_day(served, org, login, today_is):
    from django.urls import reverse

    today_is(dt.date(2025, 10, 15))
    own = login(factories.org_account(org))
    url = reverse("my_lists:notice_detail", args=[served.pk])
    page = html(own.get(url))
    assert "已届满" in page and "提交陈述申辩" not in page
    late = own.post(url, {"action": "statement", "text": "补充说明"})
    assert late.status_code == 400 and "陈述申辩期限已于2025-10-14届满" in html(late)
    assert not ListStatement.objects.exists()


def test_staff_outside_the_region_or_without_write_access_cannot_record(served, personas, login, today_is):
    from django.urls import reverse

    today_is(dt.date(2025, 10, 9))
    pk = served.proposal_id
    outside = login(personas["staff_xinzheng"])
    assert outside.get(reverse("lists:proposal_statement", args=[pk])).status_code == 404
    assert (
        outside.post(reverse("lists:statement_waive", args=[pk]), {"received_on": "2025-10-09"}).status_code
        == 404
    )
    viewer = login(personas["viewer_jinshui"])
    page = html(viewer.get(reverse("lists:proposal_statement", args=[pk])))
    assert "剩4个工作日" in page and reverse("lists:statement_waive", args=[pk]) not in page
    assert (
        viewer.post(reverse("lists:statement_waive", args=[pk]), {"received_on": "2025-10-09"}).status_code
        == 403
    )
    assert not ListStatement.objects.exists()
    staff = login(personas["staff_jinshui"])
    empty = staff.post(
        reverse("lists:statement_record", args=[pk]), {"received_on": "2025-10-10", "text": ""}
    )
    assert empty.status_code == 400 and "请填写陈述、申辩的事实和理由" in html(empty)
    recorded = staff.post(
        reverse("lists:statement_record", args=[pk]), {"received_on": "2025-10-09", "text": "已纠正"}
    )
    assert recorded.status_code == 302
    statement = ListStatement.objects.get()
    assert (statement.channel, statement.created_by) == ("paper", personas["staff_jinshui"])
    staff.post(reverse("lists:statement_answer", args=[statement.pk]),
               {"outcome": "upheld", "answer": "", "answered_on": "2025-10-09"})  # fmt: skip
    proposal = ListProposal.objects.get(pk=pk)
    assert (proposal.status, proposal.dismiss_reason) == ("dismissed", "陈述申辩理由成立")
    assert reverse("lists:proposal_confirm", args=[pk]) not in html(staff.get(reverse("lists:proposal_list")))


def test_a_statement_pending_on_an_earlier_notice_still_blocks_and_accounts_file_only_for_their_own(
    served, actor, today_is
):  # fmt: skip
    today_is(dt.date(2025, 10, 31))
    file(actor, served, dt.date(2025, 10, 10))
    again = notify(actor, served.proposal, dt.date(2025, 10, 15), "郑民告〔2025〕9号")
    assert again.statement_due_on == dt.date(2025, 10, 22)
    with pytest.raises(FieldErrors) as refused:
        decide(actor, again, dt.date(2025, 10, 31))
    assert (
        "2025-10-10" in refused.value.errors["__all__"][0]
        and "尚未复核" in refused.value.errors["__all__"][0]
    )
    stranger = factories.org_account(factories.organization("410105"))
    with pytest.raises(FieldErrors) as foreign:
        services.file_statement(
            stranger, again, text="代为陈述", received_on=dt.date(2025, 10, 16), channel="account"
        )
    assert "本单位" in foreign.value.errors["__all__"][0]
    assert ListStatement.objects.count() == 1
