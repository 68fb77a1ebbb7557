"""The only writers of warnings and rules. Each is atomic and audited (``record_event``).

Staff: ``update_rule`` (administrators), ``acknowledge``, ``take_into_handling``, ``close`` (a note
is required), ``self_report`` (street staff raise a warning on an organization of their street;
it merges with an open one of the same rule). The daily run (``run``): ``raise_found``,
``refresh_found``, ``clear_warnings``, ``escalate_overdue``, ``record_run``, each one transaction
per chunk.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from socredit.apps.audit.services import actor_label, record_event
from socredit.apps.registry.access import access_organizations
from socredit.apps.registry.models import Organization, Region
from socredit.apps.riskwarnings.models import (
    OPEN_STATES,
    UNHANDLED_STATES,
    RiskWarning,
    WarningEvent,
    WarningRule,
    WarningState,
)
from socredit.apps.riskwarnings.validation import clean_note, clean_rule_edit
from socredit.common.access import is_administrator, is_street_scope, scope_path_of
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.core.calendar import WorkingCalendar

Action = WarningEvent.Action


def _event(
    warning: RiskWarning, action: str, actor: Any, on: dt.date, note: str = "", **data: Any
) -> WarningEvent:
    return WarningEvent(
        warning=warning, action=action, on=on, actor_label=actor_label(actor), note=note, data=data
    )


# --- rules ------------------------------------------------------------------------------------------


def update_rule(*, actor: Any, channel: str, rule: WarningRule, data: dict[str, Any]) -> WarningRule:
    """Change a rule's enabled flag, level, thresholds, handling days or dates (administrators only).
    Any change makes a new version; bad input changes nothing (FieldErrors per field)."""
    if not is_administrator(actor):
        raise PermissionDenied
    clean = clean_rule_edit(rule.kind, data)
    with transaction.atomic():
        rule = WarningRule.objects.select_for_update().get(pk=rule.pk)
        before = {k: getattr(rule, k) for k in clean}
        changed = {k: v for k, v in clean.items() if before[k] != v}
        if not changed:
            return rule
        for k, v in changed.items():
            setattr(rule, k, v)
        rule.version += 1
        rule.updated_by_label = actor_label(actor)
        rule.save()
        record_event(actor=actor, channel=channel, action="riskwarnings.rule_update", target=rule,
                     summary=f"修改预警规则“{rule.name}”（第{rule.version}版）",
                     data={"version": rule.version, "before": {k: before[k] for k in changed},
                           "after": changed})  # fmt: skip
    return rule


# --- staff handling -----------------------------------------------------------------------------------


def _require_writer(actor: Any) -> None:
    if not getattr(actor, "can_write", False):
        raise PermissionDenied


def _locked_open(warning: RiskWarning, allowed: Sequence[str]) -> RiskWarning:
    locked = RiskWarning.objects.select_for_update().select_related("rule", "organization").get(pk=warning.pk)
    if locked.state not in OPEN_STATES:
        raise FieldErrors(__all__=_("This warning is closed or cleared: it cannot be acted on any more."))
    if locked.state not in allowed:
        raise FieldErrors(__all__=_("This step does not apply to the warning in its present state."))
    return locked


def _act(actor: Any, channel: str, warning: RiskWarning, *, allowed: Sequence[str], state: str, action: str,
         note: str, summary: str) -> RiskWarning:  # fmt: skip
    _require_writer(actor)
    day = today()
    with transaction.atomic():
        locked = _locked_open(warning, allowed)
        locked.state = state
        if state == WarningState.CLOSED:
            locked.closed_on = day
        locked.save(update_fields=["state", "closed_on"])
        _event(locked, action, actor, day, note).save()
        record_event(actor=actor, channel=channel, action=f"riskwarnings.{action}", target=locked,
                     summary=f"{summary}：{locked.organization.name}（{locked.rule.name}）", data={"note": note})  # fmt: skip
    return locked


def acknowledge(*, actor: Any, channel: str, warning: RiskWarning, note: str = "") -> RiskWarning:
    """签收: a new warning is seen by its holder's staff."""
    return _act(actor, channel, warning, allowed=(WarningState.OPEN,), state=WarningState.ACKNOWLEDGED,
                action=Action.ACKNOWLEDGED, note=clean_note(note, required=False), summary="签收风险预警")  # fmt: skip


def take_into_handling(*, actor: Any, channel: str, warning: RiskWarning, note: str = "") -> RiskWarning:
    """处置中: staff take the warning into handling (it no longer escalates)."""
    return _act(actor, channel, warning, allowed=(WarningState.OPEN, WarningState.ACKNOWLEDGED),
                state=WarningState.HANDLED, action=Action.HANDLED, note=clean_note(note, required=False),
                summary="处置风险预警")  # fmt: skip


def close(*, actor: Any, channel: str, warning: RiskWarning, note: str) -> RiskWarning:
    """办结: close the warning with a note of what was found and done (required)."""
    return _act(actor, channel, warning, allowed=OPEN_STATES, state=WarningState.CLOSED, action=Action.CLOSED,
                note=clean_note(note, required=True), summary="办结风险预警")  # fmt: skip


def holder_of(organization: Organization) -> int:
    """The office a new warning goes to: the organization's street, else its registering region."""
    return organization.street_id or organization.region_id


def self_report(*, actor: Any, channel: str, code: str, rule_code: str, reason: str) -> RiskWarning:
    """自主申报、走访发现: staff raise a warning on an organization within their scope (street staff:
    of their street) with a reason; an open warning of the same rule on it takes the report instead."""
    _require_writer(actor)
    errors = FieldErrors()
    try:
        reason = clean_note(reason, required=True, field="reason")
    except FieldErrors as exc:
        errors.errors.update(exc.errors)
    org = access_organizations(actor).filter(code=str(code or "").strip().upper()).first()
    if org is None:
        in_street = is_street_scope(scope_path_of(actor))
        errors.add("organization", _("No organization with this code in your street.") if in_street
                   else _("No organization with this code in your region."))  # fmt: skip
    rule = WarningRule.objects.filter(code=rule_code, enabled=True).first()
    if rule is None:
        errors.add("rule", _("Choose an enabled rule."))
    errors.raise_if_any()
    assert org is not None and rule is not None  # noqa: S101 # raise_if_any above
    day = today()
    with transaction.atomic():
        warning = (
            RiskWarning.objects.select_for_update()
            .filter(organization=org, rule=rule, state__in=OPEN_STATES).first()
        )  # fmt: skip
        if warning is not None:
            warning.self_reported, warning.last_seen = True, max(warning.last_seen, day)
            warning.save(update_fields=["self_reported", "last_seen"])
            _event(warning, Action.MERGED, actor, day, reason, source="staff").save()
            summary = "街镇申报并入已有风险预警"
        else:
            from socredit.apps.workdays.services import working_calendar

            warning = RiskWarning.objects.create(
                organization=org, rule=rule, rule_version=rule.version, level=rule.level, self_reported=True,
                facts={"reported_by": actor_label(actor), "reason": reason}, first_seen=day, last_seen=day,
                due_on=working_calendar().add_working_days(day, rule.handling_days), holder_id=holder_of(org),
            )  # fmt: skip
            _event(warning, Action.RAISED, actor, day, reason, source="staff").save()
            summary = "街镇自主申报风险预警"
        record_event(actor=actor, channel=channel, action="riskwarnings.self_report", target=warning,
                     summary=f"{summary}：{org.name}（{rule.name}）", data={"rule": rule.code, "reason": reason})  # fmt: skip
    return warning


# --- the daily run's writers ------------------------------------------------------------------------------


def _insert(
    table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]], *, jsonb: tuple[str, ...] = ()
) -> None:
    """Plain multi-row insert of ``rows`` (one statement, bound values): the run writes thousands of
    warnings a chunk, where building model instances and compiling each value costs more than the
    write itself."""
    if not rows:
        return
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    marks = ", ".join(f"%s{cast}" if c in jsonb else "%s" for c in columns)
    with connection.cursor() as cursor:
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        cursor.executemany(f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES ({marks})", rows)  # noqa: S608 # table and columns are the models'; values are bound


WARNING_COLUMNS = (
    "organization_id", "rule_id", "rule_version", "level", "state", "facts", "self_reported", "first_seen",
    "last_seen", "due_on", "holder_id", "escalations", "created_at",
)  # fmt: skip
EVENT_COLUMNS = ("warning_id", "action", "on", "at", "actor_label", "note", "data")


def raise_found(*, actor: Any, as_of: dt.date, items: list[dict[str, Any]]) -> int:
    """New warnings found by the run (one chunk, one transaction): each item holds rule,
    organization_id, facts, holder_id, due_on. Each gets its "raised" history entry."""
    if not items:
        return 0
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    day = ops.adapt_datefield_value(as_of)
    rows = [
        (i["organization_id"], i["rule"].pk, i["rule"].version, i["rule"].level, WarningState.OPEN.value,
         json.dumps(i["facts"], ensure_ascii=False), False, day, day, ops.adapt_datefield_value(i["due_on"]),
         i["holder_id"], 0, now)
        for i in items
    ]  # fmt: skip
    with transaction.atomic():
        _insert(RiskWarning._meta.db_table, WARNING_COLUMNS, rows, jsonb=("facts",))
        made = list(
            RiskWarning.objects.filter(organization_id__in={i["organization_id"] for i in items}, state=WarningState.OPEN,
                                       first_seen=as_of, rule_id__in={i["rule"].pk for i in items})
            .values_list("pk", "organization_id", "rule_id")
        )  # fmt: skip
        wanted = {(i["organization_id"], i["rule"].pk) for i in items}
        ids = sorted(pk for pk, org, rule in made if (org, rule) in wanted)
        label, data = actor_label(actor), json.dumps({"source": "run"})
        _insert(WarningEvent._meta.db_table, EVENT_COLUMNS,
                [(pk, Action.RAISED.value, day, now, label, "", data) for pk in ids], jsonb=("data",))  # fmt: skip
        record_event(actor=actor, channel="system", action="riskwarnings.raised", target_type="riskwarnings.riskwarning",
                     summary=f"每日风险预警：新预警 {len(ids)} 条（{as_of:%Y-%m-%d}）",
                     data={"as_of": as_of, "count": len(ids), "first": ids[0], "last": ids[-1]})  # fmt: skip
    return len(ids)


def refresh_found(*, actor: Any, as_of: dt.date, items: list[tuple[int, str, dict[str, Any]]]) -> int:
    """Open warnings met again with other facts: last seen ``as_of``, the rule's level and the new
    facts, with a history entry keeping the facts before. Items: (id, level, facts)."""
    if not items:
        return 0
    wanted = {pk: (level, facts) for pk, level, facts in items}
    with transaction.atomic():
        before = dict(
            RiskWarning.objects.select_for_update().filter(pk__in=list(wanted), state__in=OPEN_STATES)
            .values_list("pk", "facts")
        )  # fmt: skip
        cast = "::jsonb" if connection.vendor == "postgresql" else ""
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {RiskWarning._meta.db_table} SET level = %s, facts = %s{cast}, last_seen = %s WHERE id = %s",  # noqa: S608 # the table name is the model's; values are bound
                [(wanted[pk][0], json.dumps(wanted[pk][1], ensure_ascii=False), as_of, pk) for pk in before],
            )
        WarningEvent.objects.bulk_create([
            WarningEvent(warning_id=pk, action=Action.UPDATED, on=as_of, actor_label=actor_label(actor),
                         data={"source": "run", "before": facts})
            for pk, facts in before.items()
        ])  # fmt: skip
    return len(before)


def touch_found(*, as_of: dt.date, items: list[tuple[int, str]]) -> int:
    """Open warnings met again with the same facts: last seen ``as_of`` and the rule's level, one
    statement per level (no history entry: nothing about them changed but the day)."""
    by_level: dict[str, list[int]] = {}
    for pk, level in items:
        by_level.setdefault(level, []).append(pk)
    with transaction.atomic():
        return sum(
            RiskWarning.objects.filter(pk__in=ids, state__in=OPEN_STATES).update(last_seen=as_of, level=level)
            for level, ids in by_level.items()
        )


def clear_warnings(*, actor: Any, as_of: dt.date, ids: list[int]) -> int:
    """Open warnings whose condition no longer holds: cleared on ``as_of`` (kept, with history)."""
    if not ids:
        return 0
    with transaction.atomic():
        rows = list(
            RiskWarning.objects.select_for_update()
            .filter(pk__in=ids, state__in=OPEN_STATES, self_reported=False).values_list("pk", flat=True)
        )  # fmt: skip
        RiskWarning.objects.filter(pk__in=rows).update(state=WarningState.CLEARED, cleared_on=as_of)
        label = actor_label(actor)
        WarningEvent.objects.bulk_create([
            WarningEvent(warning_id=pk, action=Action.CLEARED, on=as_of, actor_label=label, data={"source": "run"})
            for pk in rows
        ])  # fmt: skip
        if rows:
            record_event(actor=actor, channel="system", action="riskwarnings.cleared", target_type="riskwarnings.riskwarning",
                         summary=f"每日风险预警：条件已消除，解除 {len(rows)} 条（{as_of:%Y-%m-%d}）",
                         data={"as_of": as_of, "ids": rows[:200], "count": len(rows)})  # fmt: skip
    return len(rows)


def escalate_overdue(*, actor: Any, as_of: dt.date, calendar: WorkingCalendar, region_path: str | None = None,
                     chunk: int = 2_000) -> int:  # fmt: skip
    """逾期未处置升级: every open warning not taken into handling whose due day has passed goes to the
    office one level up (the holder's parent region) with a new due day (the rule's working days
    from ``as_of``). A warning held at the top stays where it is."""
    qs = RiskWarning.objects.filter(state__in=UNHANDLED_STATES, due_on__lt=as_of)
    if region_path:
        qs = qs.filter(organization__region__path__startswith=region_path)
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    label = actor_label(actor)
    done = 0
    for start in range(0, len(ids), chunk):
        with transaction.atomic():
            rows = list(
                RiskWarning.objects.select_for_update()
                .filter(pk__in=ids[start : start + chunk], state__in=UNHANDLED_STATES, due_on__lt=as_of)
                .values_list("pk", "holder_id", "due_on", "rule__handling_days")
            )  # fmt: skip
            parents = dict(Region.objects.filter(pk__in={r[1] for r in rows}).values_list("pk", "parent_id"))
            groups: dict[tuple[int, dt.date], list[int]] = {}
            events = []
            for pk, holder, due, days in rows:
                parent = parents.get(holder)
                if parent is None:
                    continue
                new_due = calendar.add_working_days(as_of, days)
                groups.setdefault((parent, new_due), []).append(pk)
                events.append(WarningEvent(warning_id=pk, action=Action.ESCALATED, on=as_of, actor_label=label,
                                           data={"source": "run", "from_region": holder, "to_region": parent,
                                                 "was_due": due.isoformat()}))  # fmt: skip
            for (parent, new_due), pks in groups.items():
                RiskWarning.objects.filter(pk__in=pks).update(
                    holder_id=parent, due_on=new_due, escalations=F("escalations") + 1
                )
            WarningEvent.objects.bulk_create(events)
            if events:
                record_event(actor=actor, channel="system", action="riskwarnings.escalated",
                             target_type="riskwarnings.riskwarning",
                             summary=f"风险预警逾期未处置，升级至上一级 {len(events)} 条（{as_of:%Y-%m-%d}）",
                             data={"as_of": as_of, "ids": [e.warning_id for e in events[:200]], "count": len(events)})  # fmt: skip
            done += len(events)
    return done


def record_run(*, actor: Any, result: Any) -> None:
    """One audit event summing up a run that wrote (or met bad rules)."""
    with transaction.atomic():
        record_event(actor=actor, channel="system", action="riskwarnings.daily_run", target_type="riskwarnings",
                     summary=result.line(),
                     data={"as_of": result.as_of, "organizations": result.organizations, "found": result.found,
                           "raised": result.raised, "updated": result.updated, "cleared": result.cleared,
                           "escalated": result.escalated, "by_rule": result.by_rule, "errors": result.errors[:50]})  # fmt: skip
