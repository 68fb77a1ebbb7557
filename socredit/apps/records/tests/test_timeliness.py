"""Time limits on records read from the profile: 录入超期 (records.entry_working_days) and the deadline
to withdraw publicity after a revocation or change (publicity.withdraw_working_days), and the ID
masking of persons.id_mask_keep_first / _last."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from socredit.apps.records.models import ChangeEvent, CreditRecord
from socredit.apps.records.services import correct_record, revoke_record
from socredit.apps.records.timeliness import entry_lateness
from socredit.apps.workdays.services import working_calendar
from socredit.common import policy
from socredit.testing import factories

pytestmark = pytest.mark.django_db

D = dt.date


def entered(record, day):
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    CreditRecord.objects.filter(pk=record.pk).update(created_at=at)
    record.refresh_from_db()
    return record


@pytest.fixture
def org(db):
    return factories.organization(region_code="410105", name="金水区录入期限协会")


def test_a_record_entered_after_the_entry_period_is_flagged(org):
    record = factories.record(org, "penalty_warning", occurred_on=D(2026, 6, 1), decided_on=D(2026, 6, 1))
    cal = working_calendar()
    due = cal.add_working_days(D(2026, 6, 1), 5)  # national-2026.1: 5 working days (R1.4)
    assert entry_lateness(entered(record, due)) is None
    assert entry_lateness(entered(record, cal.add_working_days(due, 1))).late_by == 1
    late = entry_lateness(entered(record, D(2026, 6, 30)))
    assert late is not None and late.due_on == due and late.working_days == 5
    assert late.late_by == cal.working_days_between(due, D(2026, 6, 30))


def test_the_entry_period_is_the_profile_s(org, monkeypatch):
    record = factories.record(org, "penalty_warning", occurred_on=D(2026, 6, 1), decided_on=D(2026, 6, 1))
    record = entered(record, D(2026, 6, 30))
    assert entry_lateness(record) is not None
    base = policy.policy_profile
    monkeypatch.setattr(
        "socredit.apps.records.timeliness.policy_profile",
        lambda day, region=None: base(day, region).with_overrides({"records.entry_working_days": 30}),
    )
    assert entry_lateness(record) is None


def test_the_record_page_shows_late_entry(client, personas, org):
    record = factories.record(org, "penalty_warning", occurred_on=D(2026, 6, 1), decided_on=D(2026, 6, 1))
    entered(record, D(2026, 6, 30))
    client.force_login(personas["staff_jinshui"])
    html = client.get(f"/records/{record.pk}/").content.decode()
    assert "data-entry-late" in html


def test_revocation_and_correction_carry_the_withdrawal_deadline(client, personas, org, today_is):
    today_is(D(2026, 6, 15))
    actor = personas["staff_jinshui"]
    record = factories.record(org, "penalty_warning", occurred_on=D(2026, 6, 1), decided_on=D(2026, 6, 1))
    due = working_calendar().add_working_days(D(2026, 6, 15), 3)  # R6.3: 3 working days
    revoke_record(actor=actor, channel="form", record=record, reason="处罚决定已被撤销")
    event = ChangeEvent.objects.filter(kind="record.revoked").latest("pk")
    assert event.payload["withdraw_by"] == due.isoformat()
    other = factories.record(org, "penalty_warning", occurred_on=D(2026, 6, 2), decided_on=D(2026, 6, 2))
    correct_record(actor=actor, channel="form", record=other, data={"summary": "更正摘要"}, reason="文字更正")
    event = ChangeEvent.objects.filter(kind="record.corrected").latest("pk")
    assert event.payload["withdraw_by"] == due.isoformat()
    # the page of the revoked record shows staff the deadline, from the day of the revocation
    revoked_on = timezone.localtime(record.history.latest("at").at).date()
    client.force_login(actor)
    html = client.get(f"/records/{record.pk}/").content.decode()
    shown = working_calendar().add_working_days(revoked_on, 3)
    assert f"data-withdraw-by>{shown.isoformat()}" in html


def test_id_numbers_are_masked_as_the_profile_says(monkeypatch):
    number = "410105198506010011"
    assert policy.masked_id_number(number) == "4" + "*" * 16 + "1"  # national: keep 1 and 1 (R7.2)
    base = policy.policy_profile
    monkeypatch.setattr(
        policy,
        "policy_profile",
        lambda day, region=None: base(day, region).with_overrides(
            {"persons.id_mask_keep_first": 6, "persons.id_mask_keep_last": 0}
        ),
    )
    assert policy.masked_id_number(number) == "410105" + "*" * 12
    person = factories.person()
    assert person.masked_id == person.id_number[:6] + "*" * 12
