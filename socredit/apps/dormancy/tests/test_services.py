"""Each step of a case, the documents it writes, and the steps a state does not allow."""

from __future__ import annotations

import datetime as dt

import pytest

from socredit.apps.audit.models import AuditEvent
from socredit.apps.dormancy import services
from socredit.apps.dormancy.models import DormancyCase
from socredit.apps.dormancy.tests.conftest import ACTOR, AS_OF
from socredit.apps.lists.models import ListProposal
from socredit.common.errors import FieldErrors
from socredit.testing import factories

pytestmark = pytest.mark.django_db
NOTICE = {"served_on": AS_OF, "method": "by_post", "document_number": "金民督〔2026〕1号"}


@pytest.fixture
def case(dormant_org):
    services.identify(actor=ACTOR, as_of=AS_OF)
    return DormancyCase.objects.get()


def notified(case):
    return services.notify(actor=ACTOR, channel="form", case=case, data=NOTICE)


def test_notice_writes_the_document_and_the_response_period(case):
    case = notified(case)
    assert case.state == "notice_served" and case.notice_number == "金民督〔2026〕1号"
    assert case.due_on == AS_OF + dt.timedelta(days=30)
    assert "未按规定报送2024、2025年度工作报告" in case.notice_text
    assert "《社会团体登记管理条例》" in case.notice_text and "2026年7月31日" in case.notice_text
    assert "R1.6" not in case.notice_text
    assert [s.step for s in case.steps.all()] == ["identify", "notify"]
    assert AuditEvent.objects.filter(action="dormancy.notify").count() == 1


def test_notice_errors_name_the_field(case):
    with pytest.raises(FieldErrors) as exc:
        services.notify(actor=ACTOR, channel="form", case=case,
                        data={"served_on": AS_OF + dt.timedelta(days=1), "method": "internet_announcement"})  # fmt: skip
    errors = exc.value.errors
    assert set(errors) == {"served_on", "method", "document_number"}
    assert DormancyCase.objects.get().state == "identified"


def test_announcement_needs_an_unreachable_address(case):
    with pytest.raises(FieldErrors) as exc:
        services.notify(
            actor=ACTOR, channel="form", case=case, data={**NOTICE, "method": "internet_announcement"}
        )
    assert "method" in exc.value.errors


def test_listing_waits_for_the_response_period_then_hands_over(case, today_is):
    case = notified(case)
    today_is(AS_OF + dt.timedelta(days=30))
    with pytest.raises(FieldErrors) as exc:
        services.propose_listing(
            actor=ACTOR, channel="form", case=case, data={"on": AS_OF + dt.timedelta(days=30)}
        )
    assert "2026-07-31" in exc.value.errors["on"][0]
    today_is(dt.date(2026, 8, 3))
    case = services.propose_listing(actor=ACTOR, channel="form", case=case, data={"on": dt.date(2026, 8, 3)})
    assert case.state == "listing_proposed" and case.due_on == dt.date(2026, 8, 3) + dt.timedelta(days=90)
    proposal = case.proposal
    assert (proposal.ground, proposal.status, proposal.organization_id) == (
        "R1.6(1)",
        "proposed",
        case.organization_id,
    )


def test_an_open_proposal_is_linked_not_duplicated(case, today_is):
    case = notified(case)
    today_is(dt.date(2026, 8, 3))
    before = ListProposal.objects.create(organization=case.organization, list="abnormal", ground="R1.6(1)",
                                         arose_on=dt.date(2026, 6, 2))  # fmt: skip
    case = services.propose_listing(actor=ACTOR, channel="form", case=case, data={"on": dt.date(2026, 8, 3)})
    assert case.proposal == before and ListProposal.objects.count() == 1


def test_guidance_then_deregistration(case, today_is):
    case = notified(case)
    today_is(dt.date(2026, 8, 3))
    case = services.guide(actor=ACTOR, channel="form", case=case,
                          data={"served_on": dt.date(2026, 8, 3), "document_number": "金民指〔2026〕1号"})  # fmt: skip
    assert case.state == "guidance_served" and "清算" in case.guidance_text
    with pytest.raises(FieldErrors) as exc:
        services.confirm_deregistered(
            actor=ACTOR, channel="form", case=case, data={"on": dt.date(2026, 8, 3)}
        )
    assert "__all__" in exc.value.errors and DormancyCase.objects.get().state == "guidance_served"
    type(case.organization).objects.filter(pk=case.organization_id).update(status="deregistered")
    case = services.confirm_deregistered(
        actor=ACTOR, channel="form", case=case, data={"on": dt.date(2026, 8, 3)}
    )
    assert (case.state, case.outcome, case.closed_on, case.due_on) == (
        "closed",
        "deregistered",
        dt.date(2026, 8, 3),
        None,
    )


def test_revocation_goes_through_the_registry(case, today_is):
    case = notified(case)
    today_is(dt.date(2026, 8, 3))
    case = services.propose_listing(actor=ACTOR, channel="form", case=case, data={"on": dt.date(2026, 8, 3)})
    data = {"effective_on": dt.date(2026, 8, 3), "document_number": "金民撤〔2026〕1号",
            "document_date": dt.date(2026, 8, 3), "reason": "连续两年未报送年度工作报告，督促后仍未整改"}  # fmt: skip
    case = services.revoke(actor=ACTOR, channel="form", case=case, data=data, warnings_confirmed=True)
    case.organization.refresh_from_db()
    assert case.organization.status == "revoked"
    assert (case.state, case.outcome) == ("closed", "registration_revoked")


def test_steps_out_of_order_are_refused(case):
    for step in (services.propose_listing, services.guide, services.revoke, services.confirm_deregistered):
        with pytest.raises(FieldErrors) as exc:
            step(actor=ACTOR, channel="form", case=case, data={"on": AS_OF})
        assert case.get_state_display() in exc.value.errors["__all__"][0]
    closed = services.resume(actor=ACTOR, channel="form", case=case, data={"on": AS_OF, "note": "补报了年报"})
    with pytest.raises(FieldErrors):
        services.resume(actor=ACTOR, channel="form", case=closed, data={"on": AS_OF, "note": "again"})
    with pytest.raises(FieldErrors):
        notified(closed)


def test_resume_needs_a_note_and_a_date_not_before_the_last_step(case):
    with pytest.raises(FieldErrors) as exc:
        services.resume(actor=ACTOR, channel="form", case=case, data={"on": AS_OF - dt.timedelta(days=1)})
    assert set(exc.value.errors) == {"on", "note"}


def test_unreachable_case_may_be_notified_by_announcement(dormant_org):
    factories.record(dormant_org, "address_unreachable", occurred_on=dt.date(2026, 2, 1))
    services.identify(actor=ACTOR, as_of=AS_OF)
    case = services.notify(actor=ACTOR, channel="form", case=DormancyCase.objects.get(),
                           data={**NOTICE, "method": "internet_announcement"})  # fmt: skip
    assert "互联网公告方式送达" in case.notice_text
