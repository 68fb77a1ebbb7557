"""Automatic withdrawal (自动撤回) of proposals whose records no longer support them, in the same
transaction as the correction or revocation, and supersession of the old version's proposal."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from socredit.apps.audit.models import AuditEvent
from socredit.apps.lists import services
from socredit.apps.lists.models import ListProposal
from socredit.apps.lists.services.proposals import WITHDRAWN_CORRECTED, WITHDRAWN_REVOKED
from socredit.apps.lists.tests.conftest import ago, notify
from socredit.apps.records.services import correct_record, revoke_record
from socredit.common.errors import FieldErrors
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def proposals(org, status="proposed"):
    return list(ListProposal.objects.filter(organization=org, status=status).order_by("id"))


def test_correcting_the_record_leaves_one_open_proposal_on_the_new_version(org, actor):
    rec = factories.record(org, "penalty_fine", amount="3000", occurred_on=ago(20))
    [old] = proposals(org)
    assert (old.ground, old.trigger_record_id) == ("R1.6(5)", rec.pk)
    new_rec = correct_record(
        actor=actor, channel="form", record=rec, data={"amount": "4000"}, reason="金额录入错误"
    )
    [open_one] = proposals(org)
    assert open_one.pk != old.pk and open_one.trigger_record_id == new_rec.pk
    assert [r.pk for r in open_one.records.all()] == [new_rec.pk]
    old.refresh_from_db()
    assert old.status == "withdrawn" and old.superseded_by_id == open_one.pk
    assert old.withdrawal_reason.startswith(WITHDRAWN_CORRECTED) and old.decided_on == services.today()
    assert AuditEvent.objects.filter(action="lists.withdraw", target_id=str(old.pk)).count() == 1
    assert AuditEvent.objects.filter(action="lists.supersede", target_id=str(old.pk)).count() == 1


def test_a_correction_that_no_longer_meets_the_ground_withdraws_without_replacement(org, actor):
    rec = factories.record(org, "penalty_fine", amount="60000", occurred_on=ago(20))
    [old] = proposals(org)
    assert old.ground == "R1.12(4)"
    correct_record(actor=actor, channel="form", record=rec, data={"amount": "6000"}, reason="金额录入错误")
    old.refresh_from_db()
    [now] = proposals(org)
    # 6,000 yuan is no longer R1.12(4): the serious-list proposal is withdrawn, not superseded by
    # the abnormal-list one (a different list and ground)
    assert old.status == "withdrawn" and old.superseded_by_id is None
    assert old.withdrawal_reason == WITHDRAWN_CORRECTED
    assert (now.list, now.ground) == ("abnormal", "R1.6(5)")


def test_revoking_the_record_withdraws_its_proposal_and_nothing_else(org, actor):
    rec = factories.record(org, "penalty_warning", occurred_on=ago(30))
    other_rec = factories.record(org, "annual_report_missing", occurred_on=ago(25))
    unrelated_org = factories.organization("410105")
    factories.record(unrelated_org, "penalty_warning", occurred_on=ago(30))
    [warned, missing] = sorted(proposals(org), key=lambda p: p.ground != "R1.6(5)")
    notify(actor, warned, ago(5))
    revoke_record(actor=actor, channel="form", record=rec, reason="处罚决定已被复议机关撤销")
    warned.refresh_from_db()
    assert warned.status == "withdrawn" and warned.withdrawal_reason == WITHDRAWN_REVOKED
    assert warned.superseded_by_id is None and warned.decided_by_label
    assert [p.pk for p in proposals(org)] == [missing.pk] and missing.trigger_record_id == other_rec.pk
    assert len(proposals(unrelated_org)) == 1
    event = AuditEvent.objects.get(action="lists.withdraw", target_id=str(warned.pk))
    assert event.data["reason"] == WITHDRAWN_REVOKED
    # a withdrawn proposal cannot be decided any more
    with pytest.raises(FieldErrors) as err:
        services.confirm_proposal(actor, warned, document_number="X1", decided_on=ago(1))
    assert "已处理" in err.value.errors["__all__"][0]


def test_a_revocation_that_fails_withdraws_nothing(org, actor):
    rec = factories.record(org, "penalty_warning", occurred_on=ago(30))
    [p] = proposals(org)
    with pytest.raises(FieldErrors):
        revoke_record(actor=actor, channel="form", record=rec, reason="  ")
    p.refresh_from_db()
    assert p.status == "proposed"


def test_the_withdrawn_proposal_page_shows_the_reason_and_its_replacement(org, actor, personas, login):
    rec = factories.record(org, "penalty_fine", amount="3000", occurred_on=ago(20))
    [old] = proposals(org)
    correct_record(actor=actor, channel="form", record=rec, data={"amount": "3500"}, reason="金额录入错误")
    [new] = proposals(org)
    client = login(personas["staff_jinshui"])
    html = client.get(reverse("lists:proposal_detail", args=[old.pk])).content.decode()
    assert WITHDRAWN_CORRECTED in html and reverse("lists:proposal_detail", args=[new.pk]) in html
    assert reverse("lists:proposal_confirm", args=[old.pk]) not in html  # no forms on a closed proposal
    queue = client.get(reverse("lists:proposal_list")).content.decode()
    assert reverse("lists:proposal_detail", args=[new.pk]) in queue
    assert reverse("lists:proposal_detail", args=[old.pk]) not in queue


def test_the_withdrawal_belongs_to_the_revocations_transaction(org, actor):
    rec = factories.record(org, "penalty_warning", occurred_on=ago(30))
    [p] = proposals(org)
    with pytest.raises(RuntimeError), transaction.atomic():
        revoke_record(actor=actor, channel="form", record=rec, reason="处罚决定已被撤销")
        p.refresh_from_db()
        assert p.status == "withdrawn"
        raise RuntimeError("the revocation is rolled back")
    p.refresh_from_db()
    assert p.status == "proposed" and not AuditEvent.objects.filter(action="lists.withdraw").exists()


def test_a_bulk_action_on_a_withdrawn_proposal_says_why_and_touches_nothing(org, actor):
    rec = factories.record(org, "penalty_warning", occurred_on=ago(30))
    [p] = proposals(org)
    revoke_record(actor=actor, channel="form", record=rec, reason="处罚决定已被撤销")
    result = services.bulk_serve_notices(
        actor, [p.pk], served_on=ago(1), number_pattern="金民告〔2026〕{seq}号", start=1
    )
    [failure] = result.failed
    assert not result.done and WITHDRAWN_REVOKED in failure.reason and failure.organization_code == org.code
    assert not p.notices.exists()
