"""The only writers of spot checks (双随机、一公开): plans, the seed, the draw, inspectors, re-draws,
results and their credit records, publication. Each verb is one atomic, audited transaction; bad
input raises FieldErrors and writes nothing.

Order of a plan: create (draft, editable) → ``announce_plan`` (freezes the frame, publishes the
seed, the method and the frame's digest; from here the plan cannot change) → ``draw_plan`` (the
core draw, re-runnable by ``audit_plan``) → ``assign_plan`` (inspectors) → ``record_result`` per
organization → ``publish_results`` (the public page).
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from socredit.apps.audit.services import actor_label, record_event
from socredit.apps.lists.services.common import parameters as list_parameters
from socredit.apps.records.models import CreditRecord
from socredit.apps.records.services import create_record
from socredit.apps.records.validation import RecordLookups
from socredit.apps.registry.models import Department, Organization, Role
from socredit.apps.registry.services import registering_department
from socredit.apps.spotchecks import frames
from socredit.apps.spotchecks.models import (
    Assignment,
    CheckResult,
    Conflict,
    Inspector,
    PlanKind,
    PlanState,
    Redraw,
    SpotCheck,
    SpotCheckPlan,
)
from socredit.apps.spotchecks.validation import clean_plan, plan_floors
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.core.lists.notice import Mailing, address_unreachable_established
from socredit.core.sampling import (
    METHOD,
    AssignmentError,
    DrawError,
    SamplingRates,
    assign_inspectors,
    draw,
    frame_digest,
    replacement_inspector,
)
from socredit.core.sampling.draw import DrawResult

CLEAR_KIND, RECTIFY_KIND = "spot_check_clear", "spot_check_rectify"
OVERDUE_KIND, UNREACHABLE_KIND = "rectification_overdue", "address_unreachable"


def _moment() -> dt.datetime:
    """Now, on the product's day (``common.clock``): a replay with the clock set back (the demo's
    past weeks) stamps the day it replays, not the day it runs."""
    now = timezone.localtime()
    day = today()
    return now if day == now.date() else now.replace(year=day.year, month=day.month, day=day.day)


def rates_of(plan: SpotCheckPlan) -> SamplingRates:
    return SamplingRates(plan.base_rate, plan.level_factors, plan.field_factors, plan.list_factors,
                         plan.fixed_field_rates)  # fmt: skip


# --- plans -------------------------------------------------------------------------------------


@transaction.atomic
def create_plan(*, actor: Any, channel: str, data: dict[str, Any]) -> SpotCheckPlan:
    values = clean_plan(actor, data, day=today())
    if not frames.scope_organizations(SpotCheckPlan(**values)).exists():
        raise FieldErrors(__all__=gettext("No organization lies within the plan's scope: widen the regions, types or fields"))  # fmt: skip
    plan = SpotCheckPlan.objects.create(**values, created_by=actor if getattr(actor, "pk", None) else None)
    record_event(actor=actor, channel=channel, action="spotchecks.plan_create", target=plan,
                 summary=f"抽查计划：{plan}", data={"base_rate": plan.base_rate})  # fmt: skip
    return plan


@transaction.atomic
def update_plan(*, actor: Any, channel: str, plan: SpotCheckPlan, data: dict[str, Any]) -> SpotCheckPlan:
    plan = SpotCheckPlan.objects.select_for_update().get(pk=plan.pk)
    values = clean_plan(actor, data, day=today(), instance=plan)
    for key, value in values.items():
        setattr(plan, key, value)
    if not frames.scope_organizations(plan).exists():
        raise FieldErrors(__all__=gettext("No organization lies within the plan's scope: widen the regions, types or fields"))  # fmt: skip
    plan.save()
    record_event(
        actor=actor,
        channel=channel,
        action="spotchecks.plan_update",
        target=plan,
        summary=f"修改抽查计划：{plan}",
    )
    return plan


@transaction.atomic
def announce_plan(*, actor: Any, channel: str, plan: SpotCheckPlan, seed: str = "") -> SpotCheckPlan:
    """Freeze the frame and publish the seed, the method and the frame's digest (before the draw).

    ``seed`` may be given (e.g. numbers drawn in public); otherwise 128 random bits in hex.
    """
    plan = SpotCheckPlan.objects.select_for_update().select_related("authority").get(pk=plan.pk)
    if plan.state != PlanState.DRAFT:
        raise FieldErrors(__all__=gettext("The seed of this plan is already published"))
    seed = (seed or "").strip() or secrets.token_hex(16)
    if len(seed) > 64 or "|" in seed:
        raise FieldErrors(seed=gettext("The seed is at most 64 characters and contains no |"))
    day = today()
    f, version, _title = plan_floors(plan.authority, day)
    frame = frames.build_frame(plan, day, f.recent_exempt_years)
    if not frame:
        raise FieldErrors(__all__=gettext("No organization lies within the plan's scope: widen the regions, types or fields"))  # fmt: skip
    plan.frame = frames.pack(frame)
    plan.frame_digest = frame_digest(frame)
    plan.frame_size = len(frame)
    plan.required = _required(plan, f.min_ratio, len(frame))
    plan.seed, plan.method, plan.policy_version = seed, METHOD, version
    plan.state, plan.announced_at, plan.announced_by = (
        PlanState.ANNOUNCED,
        _moment(),
        actor_label(actor)[:150],
    )
    plan.save()
    record_event(actor=actor, channel=channel, action="spotchecks.plan_announce", target=plan,
                 summary=f"公布随机种子：{plan}",
                 data={"seed": seed, "method": METHOD, "frame_digest": plan.frame_digest,
                       "frame_size": plan.frame_size, "policy": version, "rates": rates_of(plan).as_dict()})  # fmt: skip
    return plan


def _required(plan: SpotCheckPlan, min_ratio: float, size: int) -> int:
    """The legal floor as a count: regular plans only (an ad hoc plan's ratio is set as needed, R4.3)."""
    if plan.kind != PlanKind.REGULAR:
        return 0
    return min(size, math.ceil(min_ratio * size - 1e-9))


def _run_draw(plan: SpotCheckPlan) -> DrawResult:
    frame = frames.unpack(plan.frame)
    ratio = plan.required / plan.frame_size if plan.frame_size else 0.0
    return draw(frame, rates_of(plan), plan.seed, min_ratio=ratio, onsite_ratio=plan.onsite_ratio)


@transaction.atomic
def draw_plan(*, actor: Any, channel: str, plan: SpotCheckPlan) -> SpotCheckPlan:
    """Draw the organizations from the published seed and frame; a plan already drawn is left as it is."""
    plan = SpotCheckPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.state in (PlanState.DRAWN, PlanState.PUBLISHED):
        return plan
    if plan.state != PlanState.ANNOUNCED:
        raise FieldErrors(__all__=gettext("Publish the plan's seed before the draw"))
    try:
        result = _run_draw(plan)
    except DrawError as exc:
        raise FieldErrors(__all__=str(exc)) from None
    ids = dict(Organization.objects.filter(code__in=result.codes).values_list("code", "id"))
    rates = {s.key: s.rate for s in result.strata}
    SpotCheck.objects.bulk_create(
        SpotCheck(plan=plan, organization_id=ids[s.code], stratum=s.stratum, rate=rates.get(s.stratum, 0.0),
                  reason=s.reason, order=s.order, onsite=s.onsite)
        for s in result.selections
    )  # fmt: skip
    plan.state, plan.drawn_at, plan.drawn_by = PlanState.DRAWN, _moment(), actor_label(actor)[:150]
    plan.drawn_on = today()
    plan.save(update_fields=["state", "drawn_at", "drawn_on", "drawn_by"])
    record_event(actor=actor, channel=channel, action="spotchecks.plan_draw", target=plan,
                 summary=f"随机抽取：{plan}（{len(result.selections)}/{result.frame_size}）",
                 data={"drawn": len(result.selections), "onsite": result.onsite_count, "required": result.required})  # fmt: skip
    return plan


@dataclass
class AuditReport:
    """What ``audit_plan`` found: the frame's digest and the re-drawn selection against the stored one."""

    digest_matches: bool
    missing: list[str] = field(default_factory=list)
    """Drawn again but not stored."""
    extra: list[str] = field(default_factory=list)
    """Stored but not drawn again."""
    mode_differs: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.digest_matches and not (self.missing or self.extra or self.mode_differs)


def audit_plan(plan: SpotCheckPlan) -> AuditReport:
    """Re-draw from the published seed and the frozen frame and compare with the stored draw (reads only)."""
    if plan.state not in (PlanState.DRAWN, PlanState.PUBLISHED):
        raise FieldErrors(__all__=gettext("This plan has not been drawn yet"))
    frame = frames.unpack(plan.frame)
    report = AuditReport(digest_matches=frame_digest(frame) == plan.frame_digest)
    again = {s.code: s.onsite for s in _run_draw(plan).selections}
    stored = dict(SpotCheck.objects.filter(plan=plan).values_list("organization__code", "onsite"))
    report.missing = sorted(set(again) - set(stored))
    report.extra = sorted(set(stored) - set(again))
    report.mode_differs = sorted(c for c in set(again) & set(stored) if again[c] != stored[c])
    return report


# --- inspectors --------------------------------------------------------------------------------


@transaction.atomic
def add_inspector(*, actor: Any, channel: str, name: str, badge_number: str, region: Any,
                  person: Any = None, user: Any = None) -> Inspector:  # fmt: skip
    errors = FieldErrors()
    if not name.strip():
        errors.add("name", gettext("Enter a name"))
    if not badge_number.strip():
        errors.add("badge_number", gettext("Enter the certificate number"))
    elif Inspector.objects.filter(badge_number=badge_number.strip()).exists():
        errors.add(
            "badge_number", gettext("An inspector with this certificate number is already in the pool")
        )
    errors.raise_if_any()
    inspector = Inspector.objects.create(name=name.strip(), badge_number=badge_number.strip(), region=region,
                                         person=person, user=user)  # fmt: skip
    record_event(actor=actor, channel=channel, action="spotchecks.inspector_add", target=inspector,
                 summary=f"执法检查人员：{inspector.name}")  # fmt: skip
    return inspector


@transaction.atomic
def record_conflict(*, actor: Any, channel: str, inspector: Inspector, organization: Organization,
                    reason: str) -> Conflict:  # fmt: skip
    if not reason.strip():
        raise FieldErrors(reason=gettext("State the link between the inspector and the organization"))
    conflict, _ = Conflict.objects.get_or_create(
        inspector=inspector, organization=organization,
        defaults={"reason": reason.strip()[:200], "recorded_by": actor_label(actor)[:150]},
    )  # fmt: skip
    record_event(actor=actor, channel=channel, action="spotchecks.conflict", target=conflict,
                 summary=f"{inspector.name} 与 {organization.name} 有利害关系：{reason.strip()}")  # fmt: skip
    return conflict


def plan_inspectors(plan: SpotCheckPlan) -> list[Inspector]:
    """The pool a plan draws from: available inspectors of the authority's region and below."""
    return list(Inspector.objects.filter(active=True, region__path__startswith=plan.authority.path))


def conflicts_for(plan: SpotCheckPlan, inspectors: list[Inspector]) -> set[tuple[str, str]]:
    """(inspector badge, organization code) pairs that may not meet: recorded links, and a post held
    (now or before) in the organization by the inspector's registered person."""
    checks = SpotCheck.objects.filter(plan=plan)
    org_ids = checks.values("organization_id")
    badge = {i.pk: i.badge_number for i in inspectors}
    pairs = {
        (badge[i], code)
        for i, code in Conflict.objects.filter(inspector__in=inspectors, organization_id__in=org_ids)
        .values_list("inspector_id", "organization__code")
    }  # fmt: skip
    by_person = {i.person_id: i.badge_number for i in inspectors if i.person_id}
    for person_id, code in Role.objects.filter(
        person_id__in=by_person, organization_id__in=org_ids
    ).values_list("person_id", "organization__code"):
        pairs.add((by_person[person_id], code))
    return pairs


@transaction.atomic
def assign_plan(*, actor: Any, channel: str, plan: SpotCheckPlan) -> int:
    """Draw the inspectors of every check of a drawn plan; a plan already assigned is left as it is."""
    plan = SpotCheckPlan.objects.select_for_update().select_related("authority").get(pk=plan.pk)
    if plan.state != PlanState.DRAWN:
        raise FieldErrors(
            __all__=gettext("Inspectors are drawn for a drawn plan whose results are not yet published")
        )
    checks = list(SpotCheck.objects.filter(plan=plan).select_related("organization"))
    if Assignment.objects.filter(check_item__plan=plan).exists():
        return 0
    inspectors = plan_inspectors(plan)
    if not inspectors:
        raise FieldErrors(__all__=gettext("The inspector pool of this authority's region is empty"))
    needs = {
        c.organization.code: plan.inspectors_onsite if c.onsite else plan.inspectors_written for c in checks
    }
    try:
        teams = assign_inspectors(
            needs, [i.badge_number for i in inspectors], conflicts_for(plan, inspectors), plan.seed
        )
    except AssignmentError as exc:
        names = dict(Organization.objects.filter(code=exc.organization).values_list("code", "name"))
        if exc.organization:
            message = gettext("%(org)s: only %(available)s inspector(s) without a conflict of interest, %(needed)s needed") % {"org": names.get(exc.organization, exc.organization), "available": exc.available, "needed": exc.needed}  # fmt: skip
        else:
            message = gettext(
                "Too few inspectors to make every check without a conflict of interest: add inspectors to the pool"
            )
        raise FieldErrors(__all__=message) from None
    by_badge = {i.badge_number: i for i in inspectors}
    by_code = {c.organization.code: c for c in checks}
    Assignment.objects.bulk_create(
        Assignment(check_item=by_code[code], inspector=by_badge[b])
        for code, team in teams.items()
        for b in team
    )
    total = sum(len(t) for t in teams.values())
    record_event(actor=actor, channel=channel, action="spotchecks.plan_assign", target=plan,
                 summary=f"随机匹配检查人员：{plan}（{total}人次）", data={"assignments": total})  # fmt: skip
    return total


@transaction.atomic
def redraw_inspector(
    *, actor: Any, channel: str, check: SpotCheck, inspector: Inspector, reason: str
) -> Inspector:
    """Replace ``inspector`` on ``check`` by one drawn again (logged with the reason)."""
    plan = SpotCheckPlan.objects.select_for_update().select_related("authority").get(pk=check.plan_id)
    if not reason.strip():
        raise FieldErrors(reason=gettext("State why the inspector is replaced"))
    current = Assignment.objects.filter(check_item=check, inspector=inspector, active=True).first()
    if current is None:
        raise FieldErrors(inspector=gettext("This inspector is not on this check"))
    if check.result:
        raise FieldErrors(
            __all__=gettext("The result of this check is recorded: its inspectors no longer change")
        )
    inspectors = [i for i in plan_inspectors(plan) if i.pk != inspector.pk]
    badge = {i.badge_number: i for i in inspectors}
    team = set(
        Assignment.objects.filter(check_item=check, active=True).values_list(
            "inspector__badge_number", flat=True
        )
    )
    loads = Counter(
        Assignment.objects.filter(check_item__plan=plan, active=True).values_list(
            "inspector__badge_number", flat=True
        )
    )
    counter = Redraw.objects.filter(check_item__plan=plan).count() + 1
    try:
        chosen = replacement_inspector(check.organization.code, team, list(badge), conflicts_for(plan, inspectors),
                                       loads, plan.seed, counter)  # fmt: skip
    except AssignmentError:
        raise FieldErrors(__all__=gettext("No other inspector without a conflict of interest is available for this check")) from None  # fmt: skip
    current.active = False
    current.save(update_fields=["active"])
    replacement = badge[chosen]
    Assignment.objects.create(check_item=check, inspector=replacement)
    Redraw.objects.create(check_item=check, replaced=inspector, replacement=replacement, counter=counter,
                          reason=reason.strip()[:200], actor=actor_label(actor)[:150])  # fmt: skip
    record_event(actor=actor, channel=channel, action="spotchecks.redraw", target=check,
                 summary=f"重新抽取检查人员：{inspector.name} → {replacement.name}（{reason.strip()}）")  # fmt: skip
    return replacement


# --- results -----------------------------------------------------------------------------------


class _Own(RecordLookups):
    """Resolves the checked organization whoever records (an inspector acts for the plan's authority)."""

    def __init__(self, principal: Any, organization: Organization) -> None:
        super().__init__(principal)
        self._orgs[organization.code] = organization


def _department(plan: SpotCheckPlan) -> Department:
    dept = registering_department(plan.authority)
    if dept is None:
        raise FieldErrors(__all__=gettext("No civil-affairs department is registered for the plan's authority: add one before recording results"))  # fmt: skip
    return dept


def _write(actor: Any, channel: str, check: SpotCheck, kind: str, suffix: str, day: dt.date,
           summary: str) -> CreditRecord:  # fmt: skip
    dept = _department(check.plan)
    external_id = f"spotcheck-{check.pk}{suffix}"
    existing = CreditRecord.objects.filter(department=dept, external_id=external_id, is_current=True).first()
    if existing is not None:
        return existing
    data = {"organization": check.organization.code, "kind": kind, "occurred_on": day, "department": dept.code,
            "external_id": external_id, "summary": summary[:500]}  # fmt: skip
    try:
        return create_record(actor=actor, channel=channel, data=data, lookups=_Own(actor, check.organization))
    except FieldErrors as exc:
        raise FieldErrors(__all__=gettext("The credit record cannot be written: %(as_text)s") % {"as_text": exc.as_text()}) from None  # fmt: skip


def check_in_plan(plan: SpotCheckPlan, organization: Organization | str) -> SpotCheck:
    """The plan's check of ``organization`` (object or code); FieldErrors if it was not drawn."""
    code = organization if isinstance(organization, str) else organization.code
    check = (
        SpotCheck.objects.filter(plan=plan, organization__code=code)
        .select_related("organization", "plan__authority")
        .first()
    )
    if check is None:
        raise FieldErrors(organization=gettext("%(code)s was not drawn in this plan") % {"code": code})
    return check


def _date(errors: FieldErrors, data: dict[str, Any], key: str, required: bool) -> dt.date | None:
    raw = data.get(key)
    if raw in (None, ""):
        if required:
            errors.add(key, gettext("Enter a date"))
        return None
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        errors.add(key, gettext("Enter a date as YYYY-MM-DD"))
        return None


@transaction.atomic
def record_result(*, actor: Any, channel: str, plan: SpotCheckPlan, organization: Organization | str,
                  data: dict[str, Any]) -> SpotCheck:  # fmt: skip
    """Record one organization's result and write its credit record (R4.6): no problem → 抽查未发现
    问题 (positive); problems → 抽查发现问题责令整改 with the deadline; unreachable → the special
    letters follow (``add_letter``); other → no record."""
    plan = SpotCheckPlan.objects.select_for_update().select_related("authority").get(pk=plan.pk)
    if plan.state != PlanState.DRAWN:
        raise FieldErrors(
            __all__=gettext("Results are recorded for a drawn plan whose results are not yet published")
        )
    check = check_in_plan(plan, organization)
    check = (
        SpotCheck.objects.select_for_update()
        .select_related("organization", "plan__authority")
        .get(pk=check.pk)
    )
    errors = FieldErrors()
    if check.result:
        errors.add("__all__", gettext("The result of this check is already recorded"))
    result = str(data.get("result") or "")
    if result not in CheckResult.values:
        errors.add("result", gettext("Choose a result"))
    checked_on = _date(errors, data, "checked_on", True)
    if checked_on is not None and checked_on > today():
        errors.add("checked_on", gettext("The date of the check cannot be later than today"))
    if checked_on is not None and plan.drawn_on is not None and checked_on < plan.drawn_on:
        errors.add("checked_on", gettext("The date of the check cannot be earlier than the draw"))
    findings = str(data.get("findings") or "").strip()
    rectify_by = _date(errors, data, "rectify_by", result == CheckResult.PROBLEMS)
    if result in (CheckResult.PROBLEMS, CheckResult.OTHER) and not findings:
        errors.add("findings", gettext("Describe what was found"))
    if (
        result == CheckResult.PROBLEMS
        and rectify_by is not None
        and checked_on is not None
        and rectify_by <= checked_on
    ):
        errors.add("rectify_by", gettext("The rectification deadline must be after the date of the check"))
    errors.raise_if_any()
    assert checked_on is not None
    check.result, check.checked_on, check.findings = result, checked_on, findings
    check.rectify_by = rectify_by if result == CheckResult.PROBLEMS else None
    check.recorded_by, check.recorded_at = actor_label(actor)[:150], _moment()
    if result == CheckResult.NO_PROBLEM:
        check.result_record = _write(
            actor, channel, check, CLEAR_KIND, "", checked_on, f"{plan.year}年{plan.title}：未发现问题"
        )
    elif result == CheckResult.PROBLEMS:
        check.result_record = _write(actor, channel, check, RECTIFY_KIND, "", checked_on,
                                     f"{plan.year}年{plan.title}：{findings}；限{rectify_by}前完成整改")  # fmt: skip
    check.save()
    record_event(actor=actor, channel=channel, action="spotchecks.result", target=check,
                 summary=f"抽查结果：{check.organization.name} {check.get_result_display()}")  # fmt: skip
    return check


@transaction.atomic
def mark_rectified(*, actor: Any, channel: str, check: SpotCheck, on: dt.date | None) -> SpotCheck:
    check = SpotCheck.objects.select_for_update().get(pk=check.pk)
    if check.result != CheckResult.PROBLEMS:
        raise FieldErrors(__all__=gettext("Only a check that found problems awaits rectification"))
    if on is None or on > today():
        raise FieldErrors(rectified_on=gettext("Enter a date not later than today"))
    if check.checked_on is not None and on < check.checked_on:
        raise FieldErrors(rectified_on=gettext("The rectification cannot be earlier than the check"))
    check.rectified_on = on
    check.save(update_fields=["rectified_on"])
    record_event(actor=actor, channel=channel, action="spotchecks.rectified", target=check,
                 summary=f"整改完成：{check.organization.name}（{on}）")  # fmt: skip
    return check


def overdue_checks(day: dt.date):  # type: ignore[no-untyped-def]  # a QuerySet of SpotCheck
    return SpotCheck.objects.filter(
        result=CheckResult.PROBLEMS,
        rectify_by__lt=day,
        rectified_on__isnull=True,
        follow_up_record__isnull=True,
    ).select_related("organization", "plan__authority")


@transaction.atomic
def record_overdue(*, actor: Any, channel: str, day: dt.date | None = None) -> int:
    """逾期未完成整改 (R1.6(3)): a record for every check whose rectification deadline passed before
    ``day`` without rectification; the list engine proposes the 活动异常名录 from it. Re-running
    writes nothing twice."""
    day = day or today()
    n = 0
    for check in overdue_checks(day):
        assert check.rectify_by is not None
        check.follow_up_record = _write(actor, channel, check, OVERDUE_KIND, "-overdue",
                                        check.rectify_by + dt.timedelta(days=1),
                                        f"{check.plan.year}年{check.plan.title}发现的问题逾期（{check.rectify_by}）未完成整改")  # fmt: skip
        check.save(update_fields=["follow_up_record"])
        n += 1
    return n


@transaction.atomic
def add_letter(
    *, actor: Any, channel: str, check: SpotCheck, mailed_on: dt.date | None, unsigned: bool
) -> SpotCheck:
    """One special letter (专用信函) to the registered address after an unreachable result. Once the
    letters establish the address unreachable (R1.7: the list rules in force), the record 通过登记
    住所无法取得联系 is written (R1.6(6)) and the list engine proposes the listing."""
    check = (
        SpotCheck.objects.select_for_update()
        .select_related("organization", "plan__authority")
        .get(pk=check.pk)
    )
    if check.result != CheckResult.UNREACHABLE:
        raise FieldErrors(
            __all__=gettext("Special letters follow a check that could not reach the organization")
        )
    if check.follow_up_record_id is not None:
        raise FieldErrors(__all__=gettext("The address is already established as unreachable"))
    if mailed_on is None or mailed_on > today():
        raise FieldErrors(mailed_on=gettext("Enter a date not later than today"))
    if check.checked_on is not None and mailed_on < check.checked_on:
        raise FieldErrors(mailed_on=gettext("The letter cannot be earlier than the check"))
    check.letters = sorted([*check.letters, {"mailed_on": mailed_on.isoformat(), "unsigned": unsigned}],
                           key=lambda m: m["mailed_on"])  # fmt: skip
    _profile, params = list_parameters(mailed_on, check.plan.authority)
    finding = address_unreachable_established(
        [Mailing(dt.date.fromisoformat(m["mailed_on"]), signed=not m["unsigned"]) for m in check.letters],
        params,
    )
    if finding.established:
        check.follow_up_record = _write(actor, channel, check, UNREACHABLE_KIND, "-unreachable",
                                        finding.established_on or mailed_on, finding.reason)  # fmt: skip
    check.save(update_fields=["letters", "follow_up_record"])
    record_event(actor=actor, channel=channel, action="spotchecks.letter", target=check,
                 summary=f"专用信函：{check.organization.name}（{mailed_on}，{'无人签收' if unsigned else '已签收'}）")  # fmt: skip
    return check


@transaction.atomic
def publish_results(*, actor: Any, channel: str, plan: SpotCheckPlan) -> SpotCheckPlan:
    """一公开: publish the results once every check has one."""
    plan = SpotCheckPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.state == PlanState.PUBLISHED:
        return plan
    if plan.state != PlanState.DRAWN:
        raise FieldErrors(__all__=gettext("Only a drawn plan's results can be published"))
    open_ = SpotCheck.objects.filter(plan=plan, result="").count()
    if open_:
        raise FieldErrors(__all__=gettext("%(n)s check(s) have no result yet") % {"n": open_})
    plan.state, plan.published_at = PlanState.PUBLISHED, _moment()
    plan.save(update_fields=["state", "published_at"])
    record_event(
        actor=actor,
        channel=channel,
        action="spotchecks.publish",
        target=plan,
        summary=f"公开抽查结果：{plan}",
    )
    return plan
