"""Automatic end of publicity at the maximum period (rules.md R2.8): exact boundary days per class,
轻微 never on public view by default, the 新郑 较重 tier never ended by a guessed period, and the
job is idempotent, chunked, audited and reported to the departments."""

from __future__ import annotations

import datetime as dt

import pytest

from socredit.apps.audit.models import AuditEvent
from socredit.apps.evaluation.models import CreditScore
from socredit.apps.records import publicity
from socredit.apps.records.models import ChangeEvent, CreditRecord, RecordStateChange
from socredit.apps.records.publicity import expire_publicity, published_records
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.core.types import RecordStatus
from socredit.testing import factories

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def org(personas, civil_affairs):
    return factories.organization("410105")


def rec(org, kind, decided, **extra):
    return factories.record(org, kind, occurred_on=decided, decided_on=decided, **extra)


def public(org, day):
    return set(
        published_records(CreditRecord.objects.filter(organization=org), day).values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    ("kind", "decided", "last_day"),
    [
        ("penalty_fine", D(2025, 5, 10), D(2026, 5, 10)),  # 一般: 12 months
        ("penalty_fine", D(2025, 2, 28), D(2026, 2, 28)),
        ("penalty_suspension", D(2023, 5, 31), D(2026, 5, 31)),  # 严重: 36 months
        ("penalty_warning", D(2026, 2, 28), D(2026, 5, 28)),  # 轻微: 3 months
    ],
)
def test_expiry_boundary(org, kind, decided, last_day):
    record = rec(org, kind, decided, amount="3000") if kind == "penalty_fine" else rec(org, kind, decided)
    assert expire_publicity("system", last_day) == 0  # the last day of the period: still in it
    record.refresh_from_db()
    assert record.status == RecordStatus.EFFECTIVE.value
    assert expire_publicity("system", last_day + dt.timedelta(days=1)) == 1
    record.refresh_from_db()
    assert (record.status, record.ended_on) == (RecordStatus.EXPIRED.value, last_day + dt.timedelta(days=1))
    assert RecordStateChange.objects.filter(record=record, to_status=RecordStatus.EXPIRED.value).exists()
    event = ChangeEvent.objects.get(kind="record.expired")
    assert (
        event.record == record and event.payload["ended_on"] == (last_day + dt.timedelta(days=1)).isoformat()
    )
    assert AuditEvent.objects.filter(action="record.expire").exists()
    assert expire_publicity("system", last_day + dt.timedelta(days=30)) == 0  # idempotent


def test_late_run_keeps_the_true_end_day(org):
    record = rec(org, "penalty_fine", D(2025, 5, 10), amount="3000")
    assert expire_publicity("system", D(2026, 9, 1)) == 1
    record.refresh_from_db()
    assert record.ended_on == D(2026, 5, 11)


def test_public_view_excludes_minor_expired_and_repaired(org):
    general = rec(org, "penalty_fine", D(2026, 1, 10), amount="3000")
    minor = rec(org, "penalty_warning", D(2026, 6, 1))
    internal = rec(org, "penalty_fine", D(2026, 1, 10), amount="3000", visibility="3")
    assert public(org, D(2026, 6, 1)) == {general.pk}
    assert minor.pk not in public(org, D(2026, 6, 1)) and internal.pk not in public(org, D(2026, 6, 1))
    assert public(org, D(2027, 1, 11)) == set()  # past the maximum even before the daily job ran


def test_minor_published_when_the_profile_says_so(org, monkeypatch):
    minor = rec(org, "penalty_warning", D(2026, 6, 1))
    base = publicity.policy_profile

    def publishing(day, region=None):
        return base(day, region).with_overrides(
            {"repair.minor_published": True}, authority="测试", reason="测试"
        )

    monkeypatch.setattr(publicity, "policy_profile", publishing)
    assert minor.pk in public(org, D(2026, 6, 1))
    assert minor.pk not in public(org, D(2026, 9, 2))


def test_xinzheng_grave_tier_is_not_ended_by_a_guessed_period(today_is):
    org = factories.organization(region_code="410184", name="新郑市公示测试协会")  # 新郑's profile applies
    assert publicity.policy_profile(D(2026, 12, 1), org.region).version.startswith("xinzheng-2019.1+")
    grave = rec(org, "penalty_fine", D(2026, 4, 10), amount="3000", dishonesty_class="grave")
    assert grave.publicity_until is not None  # the kind's own period (12 months)
    today_is(grave.publicity_until + dt.timedelta(days=1))  # publicity never ends on a day still to come
    assert expire_publicity("system", D(2026, 12, 1)) == 0
    # Only the kind's own period ends it (the last day stored on the record).
    assert expire_publicity("system", grave.publicity_until) == 0
    assert expire_publicity("system", grave.publicity_until + dt.timedelta(days=1)) == 1
    grave.refresh_from_db()
    assert grave.ended_on == grave.publicity_until + dt.timedelta(days=1)


def test_expiry_is_chunked_and_rescores(org, monkeypatch):
    monkeypatch.setattr(publicity, "CHUNK", 2)
    records = [rec(org, "penalty_fine", D(2025, 1, 10), amount="3000") for _ in range(5)]
    assert expire_publicity("system", D(2026, 1, 11)) == 5
    assert ChangeEvent.objects.filter(kind="record.expired").count() == 5
    assert all(
        r.status == RecordStatus.EXPIRED.value
        for r in CreditRecord.objects.filter(pk__in=[r.pk for r in records])
    )
    assert CreditScore.objects.filter(organization=org).exists()


def test_publicity_is_not_ended_on_a_day_still_to_come(org):
    record = rec(org, "penalty_fine", D(2025, 1, 10), amount="3000")
    tomorrow = today() + dt.timedelta(days=1)
    with pytest.raises(FieldErrors) as refused:
        expire_publicity("system", tomorrow)
    assert tomorrow.isoformat() in refused.value.errors["as_of"][0]
    record.refresh_from_db()
    assert record.status == RecordStatus.EFFECTIVE.value
