"""R1.14(c): an organization on the serious list because its registration certificate was revoked
(吊销登记证书, R1.12(7)) leaves only after deregistration: the daily run removes it once a
``deregistration`` record dated on or after the revocation exists, never on an older one, and an
application for removal is refused with the reason."""

from __future__ import annotations

import pytest

from socredit.apps.lists import services
from socredit.apps.lists.models import ListEntry, ListProposal
from socredit.apps.lists.tests.conftest import ago, waive
from socredit.common.errors import FieldErrors
from socredit.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def revoked(org, actor):
    """On the serious list since ago(90) for a certificate revoked on ago(100)."""
    factories.record(
        org, "penalty_certificate_revoked", occurred_on=ago(100), document_number="郑民罚〔2026〕31号"
    )
    proposal = ListProposal.objects.get(organization=org, status="proposed")
    assert (proposal.list, proposal.ground, proposal.needs_confirmation) == ("serious", "R1.12(7)", False)
    if hasattr(services, "serve_notice") and proposal.notice_required:
        notice = services.serve_notice(actor, proposal, "written", ago(95), "郑民告〔2026〕31号")
        waive(actor, notice, ago(94))
    services.confirm_proposal(actor, proposal, document_number="郑民名〔2026〕31号", decided_on=ago(90))
    entry = ListEntry.objects.get(organization=org, list="serious")
    assert (entry.ground, entry.arose_on, entry.left_on) == ("R1.12(7)", ago(100), None)
    return entry


def test_an_application_for_removal_is_refused_with_the_reason(revoked, actor):
    application = services.apply_for_removal(actor, revoked, evidence="已整改", applied_on=ago(2))
    services.verify_removal(actor, application, verified_on=ago(1))
    with pytest.raises(FieldErrors) as refused:
        services.decide_removal(
            actor, application, approve=True, decided_on=ago(0), document_number="郑民移1"
        )
    message = " ".join(refused.value.errors["__all__"])
    assert "不适用申请移出" in message and "注销登记" in message and "R1.14(c)" not in message
    revoked.refresh_from_db()
    application.refresh_from_db()
    assert revoked.left_on is None and application.status == "pending"


def test_the_daily_run_removes_only_after_a_deregistration_on_or_after_the_revocation(revoked, actor):
    org = revoked.organization
    run = services.daily_run(actor, ago(0))
    assert run.counts["removals"] == 0
    factories.record(org, "deregistration", occurred_on=ago(101))  # the day before the revocation
    run = services.daily_run(actor, ago(0))
    revoked.refresh_from_db()
    assert run.counts["removals"] == 0 and revoked.left_on is None
    factories.record(org, "deregistration", occurred_on=ago(3))
    assert services.daily_run(actor, ago(4)).counts["removals"] == 0  # not yet deregistered on that day
    revoked.refresh_from_db()
    assert revoked.left_on is None
    run = services.daily_run(actor, ago(0))
    revoked.refresh_from_db()
    assert run.counts["removals"] == 1
    assert (revoked.left_on, revoked.exit_ground) == (ago(0), "R1.14(c)")
    decision = revoked.exit_decision
    assert decision.automatic and decision.ground == "R1.14(c)" and "注销登记" in decision.reason
    assert "完成注销登记" in decision.legal_basis and "R1.14" not in decision.legal_basis
    assert services.daily_run(actor, ago(0)).counts["removals"] == 0  # idempotent
    assert services.status_on(org, ago(1)) == [revoked] and services.status_on(org, ago(0)) == []


def test_a_deregistration_on_the_revocation_day_is_enough(revoked, actor):
    factories.record(revoked.organization, "deregistration", occurred_on=ago(100))
    assert services.daily_run(actor, ago(0)).counts["removals"] == 1
    revoked.refresh_from_db()
    assert revoked.exit_ground == "R1.14(c)"
