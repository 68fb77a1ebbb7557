"""公示 — which records are on public view, and the automatic end of publicity at the maximum period.

The periods are those of ``socredit.core.repair`` (rules.md R2.8, R2.3), read from the policy profile
in force on the day asked about: a record of a class with a maximum period leaves public view the
day after that maximum ends, without an application (R2.8 "届满自动停止公示"); 轻微 information is
not published at all unless the profile says so (``repair.minor_published``). A record of a class
without a maximum in the profile (新郑 较重, or unclassified) ends with its kind's own period
(``publicity_until``), if any.

``expire_publicity`` is the daily job that writes those ends down: the record becomes 已过期 with
``ended_on`` = the first day after its period, a history row, an audit event, a change event for
the departments, and the re-scoring of its organization. The evaluation already stops counting
the record after ``ended_on``; ``published_records`` is the query public pages use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from socredit.apps.audit.services import record_event
from socredit.apps.records import outbox
from socredit.apps.records.models import CreditRecord, RecordKind
from socredit.apps.records.services import add_state_change
from socredit.apps.records.signals import announce, collected_changes
from socredit.apps.registry.models import Region
from socredit.common.clock import refuse_future
from socredit.common.policy import policy_profile
from socredit.core.policy import PolicyProfile, shipped_profiles
from socredit.core.policy_select import NATIONAL, lines_of
from socredit.core.regions import NATIONAL_CODE
from socredit.core.repair import MINOR, classes_with_maximum, last_start_ended_before, publicity_window
from socredit.core.types import Polarity, RecordStatus, Visibility

CHUNK = 500


def _start_lte(day: dt.date) -> Q:
    """The record's publicity start (decision date, else conduct date) is on or before ``day``."""
    return Q(decided_on__lte=day) | Q(decided_on__isnull=True, occurred_on__lte=day)


def ended_q(as_of: dt.date, profile: PolicyProfile) -> Q:
    """Records whose publicity period is complete before ``as_of`` (they are off public view on ``as_of``)."""
    maxima = classes_with_maximum(profile)
    q = Q(pk__in=[])
    for cls, months in maxima.items():
        q |= Q(dishonesty_class=cls) & _start_lte(last_start_ended_before(months, as_of))
    # Classes without a stated maximum: the kind's own period, if the record has one.
    q |= ~Q(dishonesty_class__in=list(maxima)) & Q(publicity_until__lt=as_of)
    return q


def regional_profiles(day: dt.date) -> list[tuple[str | None, PolicyProfile]]:
    """For filters over many organizations at once: (Region.path prefix, profile) for every region a
    locality governs, deepest first, then (None, the national profile) for every other region.

    A queryset applies each profile to ``organization__region__path__startswith=prefix`` (minus the
    deeper prefixes already taken) and the national one to the rest."""
    codes = sorted(
        {
            code
            for name, line in lines_of(shipped_profiles()).items()
            if name != NATIONAL
            for code in line.governs
        }
    )
    paths = dict(Region.objects.filter(code__in=codes).values_list("code", "path"))
    out: list[tuple[str | None, PolicyProfile]] = [
        (paths[code], policy_profile(day, paths[code])) for code in codes if code in paths
    ]
    out.sort(key=lambda pair: -len(pair[0] or ""))
    out.append((None, policy_profile(day, NATIONAL_CODE)))
    return out


def published_records(queryset: QuerySet[CreditRecord], as_of: dt.date) -> QuerySet[CreditRecord]:
    """The records of ``queryset`` shown to the public on ``as_of`` (社会公开).

    Current and effective (a repaired, expired, revoked or superseded record never is), marked
    public, within its publicity period, and not 轻微 unless the profile publishes 轻微 information.
    """
    qs = queryset.filter(
        is_current=True, status=RecordStatus.EFFECTIVE.value, visibility=Visibility.PUBLIC.value
    )
    return qs.exclude(_off_view_q(as_of))


def _by_region(as_of: dt.date, each: Callable[[PolicyProfile], Q]) -> Q:
    """``each(profile)`` applied to the organizations under each regional profile (``regional_profiles``)."""
    q = Q(pk__in=[])
    taken: list[str] = []
    for prefix, profile in regional_profiles(as_of):
        where = Q(organization__region__path__startswith=prefix) if prefix else Q()
        for deeper in taken:
            where &= ~Q(organization__region__path__startswith=deeper)
        q |= where & each(profile)
        if prefix:
            taken.append(prefix)
    return q


def _off_view_under(profile: PolicyProfile, as_of: dt.date) -> Q:
    """Records off public view on ``as_of`` under ``profile``: period ended, or 轻微 where the profile
    does not publish it."""
    q = ended_q(as_of, profile)
    if not profile.get("repair.minor_published", False):
        q |= Q(dishonesty_class=MINOR)
    return q


def _off_view_q(as_of: dt.date) -> Q:
    """Records off public view on ``as_of``, each organization under its region's profile."""
    return _by_region(as_of, lambda profile: _off_view_under(profile, as_of))


def profile_for_path(as_of: dt.date, path: str) -> PolicyProfile:
    """The profile ``_by_region`` applies on ``as_of`` to an organization of the region at ``path``:
    the deepest locality above it, else the national one."""
    for prefix, profile in regional_profiles(as_of):  # deepest first, the national one last
        if prefix is None or path.startswith(prefix):
            return profile
    raise AssertionError("regional_profiles ends with the national profile")  # pragma: no cover


def published_records_of(organization: Any, as_of: dt.date) -> QuerySet[CreditRecord]:
    """``published_records`` of one organization: the same rule, with only the one profile that
    applies to it — a statement a fraction the size (an organization's public profile page)."""
    profile = profile_for_path(as_of, organization.region.path)
    return CreditRecord.objects.filter(
        organization=organization,
        is_current=True,
        status=RecordStatus.EFFECTIVE.value,
        visibility=Visibility.PUBLIC.value,
    ).exclude(_off_view_under(profile, as_of))


def _end_of(record: CreditRecord, profile: PolicyProfile) -> dt.date:
    """The first day ``record`` is off public view (its period is known to have ended)."""
    window = publicity_window(record.dishonesty_class, record.decided_on or record.occurred_on, profile)
    if window.ended_on is not None:
        return window.ended_on
    assert record.publicity_until is not None  # selected by ended_q
    return record.publicity_until + dt.timedelta(days=1)


def expire_publicity(actor: Any, as_of: dt.date) -> int:
    """公示期届满: end the publicity of every effective record whose maximum period ended before ``as_of``.

    Idempotent (only effective records are touched) and chunked: each chunk of ``CHUNK`` records is
    one transaction, so a long run holds no lock for long and a failure keeps the chunks done.
    The candidates are found through the (kind, status) index: negative kinds × 有效.
    Returns the number of records expired.
    """
    refuse_future(as_of, "公示期届满日期")  # publicity ends on days that have come, never ahead
    actor = actor or "system"
    negative_kinds = list(
        RecordKind.objects.filter(polarity=Polarity.NEGATIVE.value).values_list("pk", flat=True)
    )
    base = CreditRecord.objects.filter(
        kind_id__in=negative_kinds, status=RecordStatus.EFFECTIVE.value, is_current=True
    ).filter(_by_region(as_of, lambda profile: ended_q(as_of, profile)))
    done = 0
    candidates = _due_candidates(as_of)
    for i in range(0, len(candidates), CHUNK):
        # the exact test (each region's profile, each class's maximum) on the few the indexes gave
        ids = list(base.filter(pk__in=candidates[i : i + CHUNK]).order_by("pk").values_list("pk", flat=True))
        if ids:
            done += _expire_chunk(actor, ids, as_of)
    return done


EFFECTIVE_CURRENT = Q(status=RecordStatus.EFFECTIVE.value, is_current=True)
"""The condition of the two partial indexes that find the records whose publicity may end: only
records still in force are in them, so they stay as small as what is due, not as all records."""
PUBLICITY_START = Coalesce("decided_on", "occurred_on")
"""The day a record's publicity runs from (the decision date, else the conduct date), as indexed."""


def _due_candidates(as_of: dt.date) -> list[int]:
    """Records in force whose publicity may have ended before ``as_of``, from two partial indexes: the
    kind's own period over (``publicity_until``), or a class maximum (最长公示期) counted from a start
    on or before the latest start the class's maximum has ended for under any profile. A superset of
    ``ended_q``'s answer, never a scan of every record in force."""
    latest_start: dict[str, dt.date] = {}  # per class: the latest start whose maximum has ended
    for _prefix, profile in regional_profiles(as_of):
        for cls, months in classes_with_maximum(profile).items():
            start = last_start_ended_before(months, as_of)
            latest_start[cls] = max(start, latest_start.get(cls, start))
    ids = set(
        CreditRecord.objects.filter(
            EFFECTIVE_CURRENT, publicity_until__isnull=False, publicity_until__lt=as_of
        )
        .values_list("pk", flat=True)
        .order_by()
    )
    for cls, start in sorted(latest_start.items()):
        ids |= set(
            CreditRecord.objects.annotate(publicity_start=PUBLICITY_START)
            .filter(
                EFFECTIVE_CURRENT, ~Q(dishonesty_class=""), dishonesty_class=cls, publicity_start__lte=start
            )
            .values_list("pk", flat=True)
            .order_by()
        )
    return sorted(ids)


@transaction.atomic
def _expire_chunk(actor: Any, ids: list[int], as_of: dt.date) -> int:
    records = list(
        CreditRecord.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in=ids, status=RecordStatus.EFFECTIVE.value, is_current=True)
        .select_related("organization__region", "kind")
        .order_by("pk")
    )
    if not records:
        return 0
    versions = set()
    with collected_changes(f"{as_of} 公示期届满停止公示 {len(records)} 条"):
        for record in records:
            profile = policy_profile(as_of, record.organization.region)
            versions.add(profile.version)
            ended = _end_of(record, profile)
            record.status = RecordStatus.EXPIRED.value
            record.ended_on = ended
            record.save(update_fields=["status", "ended_on", "updated_at"])
            reason = f"公示期届满，自{ended}起自动停止公示"
            add_state_change(record, RecordStatus.EFFECTIVE.value, RecordStatus.EXPIRED.value, reason, actor,
                             "system")  # fmt: skip
            outbox.emit("record.expired", record.organization, record,
                        {"record": record.pk, "kind": record.kind.code, "ended_on": ended.isoformat(),
                         "profile": profile.version})  # fmt: skip
            announce([record.organization_id], cause=reason, actor=actor)
        record_event(actor=actor, channel="system", action="record.expire", target_type="records.creditrecord",
                     summary=f"{as_of} 公示期届满停止公示 {len(records)} 条",
                     data={"records": [r.pk for r in records], "as_of": as_of, "profile": sorted(versions)})  # fmt: skip
    return len(records)
