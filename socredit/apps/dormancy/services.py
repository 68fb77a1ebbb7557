"""The only writers of dormant-organization cases: the identification run and each step of the
clean-up. Every verb is one atomic, audited transaction; bad input or a step the case's state does
not allow raises FieldErrors naming the field and writes nothing.

Steps (``core.dormancy.TRANSITIONS``): ``notify`` (督促通知书) → ``propose_listing`` (hands the case
to the lists app: an open proposal on the ground is linked, else one is raised) → ``revoke``
(撤销登记, through the registry's own service) or ``guide`` (注销指引) → ``confirm_deregistered``;
``resume`` closes any open case when the organization resumed its activities.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from socredit.apps.audit.services import actor_label, record_event
from socredit.apps.dormancy import identify as finder
from socredit.apps.dormancy.models import CaseOutcome, CaseState, CaseStep, DormancyCase, NoticeMethod
from socredit.apps.lists.models import ListEntry, ListProposal
from socredit.apps.lists.services.proposals import raise_proposal
from socredit.apps.records.bulk import chunks
from socredit.apps.records.models import CreditRecord
from socredit.apps.registry.documents import letterhead_of
from socredit.apps.registry.models import Organization
from socredit.apps.registry.services import registering_department
from socredit.apps.registry.services.registration import end_registration
from socredit.common.clock import today
from socredit.common.documents import Letterhead, render_text, zh_date
from socredit.common.errors import FieldErrors
from socredit.common.policy import policy_profile
from socredit.core.citations import basis_text
from socredit.core.dormancy import (
    OUTCOME_OF,
    DormancyParameters,
    State,
    Step,
    TransitionError,
    due_on,
    next_state,
)
from socredit.core.types import OrgStatus, OrgType

MISSING_KIND = "annual_report_missing"
LIST_GROUNDS = ("R1.6(1)", "R1.6(6)")
REGULATIONS = {
    OrgType.ASSOCIATION.value: "《社会团体登记管理条例》",
    OrgType.SERVICE_INSTITUTION.value: "《民办非企业单位登记管理暂行条例》",
    OrgType.FOUNDATION.value: "《基金会管理条例》",
}
"""The regulation an organization of each type registers and deregisters under (cited by title)."""

STEP_TITLES = {Step.NOTIFY: "督促履行义务通知书", Step.GUIDE: "注销登记指引"}


def parameters(org: Organization, day: dt.date) -> tuple[str, DormancyParameters]:
    profile = policy_profile(day, org.region.path)
    return profile.version, DormancyParameters.from_profile(profile)


# --- identification -----------------------------------------------------------------------------


@dataclass
class IdentifyResult:
    as_of: dt.date
    found: int = 0
    opened: int = 0
    already_open: int = 0
    recently_resumed: int = 0
    closed_by_registry: int = 0
    codes: list[str] = field(default_factory=list)


def _close_ended(actor: Any, day: dt.date, result: IdentifyResult) -> None:
    """Open cases of organizations the registry has deregistered or revoked since: closed."""
    outcome = {
        OrgStatus.DEREGISTERED.value: CaseOutcome.DEREGISTERED,
        OrgStatus.REVOKED.value: CaseOutcome.REVOKED,
    }
    for case in DormancyCase.objects.exclude(state=CaseState.CLOSED).filter(
        organization__status__in=list(outcome)
    ).select_related("organization"):  # fmt: skip
        case.state, case.outcome = CaseState.CLOSED, outcome[case.organization.status]
        case.closed_on, case.state_since, case.due_on = day, day, None
        case.save(update_fields=["state", "outcome", "closed_on", "state_since", "due_on"])
        step = Step.DEREGISTERED if case.outcome == CaseOutcome.DEREGISTERED else Step.REVOKE
        CaseStep.objects.create(case=case, step=step, on=day, note="登记状态已由登记业务变更",
                                actor_label=actor_label(actor)[:150])  # fmt: skip
        result.closed_by_registry += 1


@transaction.atomic
def identify(*, actor: Any, channel: str = "cli", as_of: dt.date | None = None) -> IdentifyResult:
    """Open a case for every dormant organization on ``as_of`` that has none open. Idempotent: an
    organization with an open case is never given a second; one whose case closed because it resumed
    its activities within the period without activity is not re-opened."""
    day = as_of or today()
    if day > today():
        raise FieldErrors(as_of=gettext("The date of the identification cannot be later than today"))
    result = IdentifyResult(day)
    _close_ended(actor, day, result)
    open_ids = set(
        DormancyCase.objects.exclude(state=CaseState.CLOSED).values_list("organization_id", flat=True)
    )
    resumed = dict(
        DormancyCase.objects.filter(outcome=CaseOutcome.RESUMED).values_list("organization_id", "closed_on")
    )
    found = finder.candidates(day)
    result.found = len(found)
    label = actor_label(actor)[:150]
    new: list[DormancyCase] = []
    for c in found:
        if c.org in open_ids:
            result.already_open += 1
            continue
        _v, params = finder.Profiles(day).get(c.path)
        if c.org in resumed and resumed[c.org] is not None and resumed[c.org] >= params.inactive_since(day):
            result.recently_resumed += 1
            continue
        new.append(DormancyCase(
            organization_id=c.org, identified_on=day, missing_years=c.missing_years,
            last_activity_on=c.last_activity_on, unreachable=c.unreachable_on is not None,
            unreachable_on=c.unreachable_on, unreachable_source=c.unreachable_source, policy_version=c.version,
            state=CaseState.IDENTIFIED, state_since=day, due_on=due_on(State.IDENTIFIED, day, params),
        ))  # fmt: skip
        result.codes.append(c.code)
    for part in chunks(new):
        DormancyCase.objects.bulk_create(part)
    ids = list(
        DormancyCase.objects.filter(
            identified_on=day, steps__isnull=True, state=CaseState.IDENTIFIED
        ).values_list("pk", flat=True)
    )
    for part in chunks(ids):
        CaseStep.objects.bulk_create(
            CaseStep(case_id=pk, step=Step.IDENTIFY, on=day, actor_label=label) for pk in part
        )
    result.opened = len(new)
    if result.opened or result.closed_by_registry:
        record_event(actor=actor, channel=channel, action="dormancy.identify",
                     summary=f"僵尸型社会组织识别（截至{day:%Y-%m-%d}）：新立案 {result.opened}，"
                             f"已在清理 {result.already_open}，登记状态已变更结案 {result.closed_by_registry}",
                     data={"as_of": day, "found": result.found, "opened": result.opened,
                           "codes": result.codes[:200]})  # fmt: skip
    return result


def result_line(r: IdentifyResult) -> str:
    return (f"僵尸型社会组织识别（截至{r.as_of:%Y-%m-%d}）：符合条件 {r.found}，新立案 {r.opened}，"
            f"已在清理 {r.already_open}，近期恢复活动 {r.recently_resumed}，登记状态已变更结案 {r.closed_by_registry}")  # fmt: skip


def on_daily_duties(sender: Any, *, as_of: dt.date, actor: Any, **kwargs: Any) -> str:
    """The receiver of ``cases.daily.daily_duties``: the identification of the day, its summary line.
    Idempotent like ``identify`` itself: a second run on the same day opens nothing."""
    return result_line(identify(actor=actor, channel="cli", as_of=as_of))


# --- steps --------------------------------------------------------------------------------------


def _locked(case: DormancyCase) -> DormancyCase:
    return DormancyCase.objects.select_for_update().select_related("organization__region").get(pk=case.pk)


STATE_LABELS_FOR_ERRORS = {
    Step.NOTIFY: gettext_lazy("The notice is served on a case just identified"),
    Step.PROPOSE: gettext_lazy("A listing is proposed after the notice was served"),
    Step.GUIDE: gettext_lazy("Deregistration guidance is served after the notice"),
    Step.REVOKE: gettext_lazy("Registration is revoked after a listing was proposed or guidance served"),
    Step.DEREGISTERED: gettext_lazy("Deregistration is confirmed on a case with a notice served"),
    Step.RESUME: gettext_lazy("Only an open case can be closed"),
}


def _transition(case: DormancyCase, step: Step) -> State:
    try:
        return next_state(case.state, step)
    except TransitionError:
        raise FieldErrors(
            __all__=gettext("%(rule)s; this case is: %(state)s")
            % {"rule": str(STATE_LABELS_FOR_ERRORS[step]), "state": case.get_state_display()}
        ) from None


def _day(errors: FieldErrors, key: str, value: Any, case: DormancyCase) -> dt.date | None:
    if value in (None, ""):
        errors.add(key, gettext("Enter a date"))
        return None
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value))
        except ValueError:
            errors.add(key, gettext("Enter a date as YYYY-MM-DD"))
            return None
    if value > today():
        errors.add(key, gettext("The date cannot be later than today"))
    elif value < case.state_since:
        errors.add(
            key,
            gettext("The date cannot be earlier than the case's last step (%(day)s)")
            % {"day": case.state_since.isoformat()},
        )
    return value


def _advance(actor: Any, channel: str, case: DormancyCase, step: Step, on: dt.date, *, note: str = "",
             number: str = "", params: DormancyParameters | None = None) -> CaseStep:  # fmt: skip
    target = next_state(case.state, step)
    case.state, case.state_since = target.value, on
    if target == State.CLOSED:
        case.outcome, case.closed_on, case.due_on = OUTCOME_OF[step].value, on, None
    else:
        assert params is not None
        case.due_on = due_on(target, on, params)
    case.save()
    row = CaseStep.objects.create(case=case, step=step.value, on=on, document_number=number, note=note,
                                  actor_label=actor_label(actor)[:150])  # fmt: skip
    record_event(actor=actor, channel=channel, action=f"dormancy.{step.value}", target=case,
                 summary=f"僵尸型社会组织清理：{case.organization.name} {row.get_step_display()}（{on:%Y-%m-%d}）",
                 data={"organization": case.organization_id, "on": on, "document_number": number,
                       "note": note[:500], "state": case.state})  # fmt: skip
    return row


def _addressee(org: Organization) -> str:
    return f"{org.name}（统一社会信用代码：{org.code}）"


def facts(case: DormancyCase) -> str:
    """What the case found, as the documents say it."""
    parts = []
    if case.missing_years:
        years = "、".join(str(y) for y in sorted(case.missing_years))
        parts.append(f"未按规定报送{years}年度工作报告")
    if case.last_activity_on:
        parts.append(f"自{zh_date(case.last_activity_on)}以来没有开展活动的记录")
    else:
        parts.append("没有开展活动的记录")
    if case.unreachable:
        parts.append("通过登记的住所无法与你单位取得联系")
    return "，".join(parts)


def authority_name(org: Organization) -> str:
    dept = registering_department(org.region, org.registration_authority)
    return dept.name if dept else (org.registration_authority or f"{org.region.name}民政局")


def letterhead(case: DormancyCase) -> Letterhead | None:
    org = case.organization
    return letterhead_of(registering_department(org.region, org.registration_authority), authority_name(org))


def _text(errors: FieldErrors, key: str, value: Any, *, required: bool, limit: int = 2000) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors.add(key, gettext("This field is required"))
    if len(text) > limit:
        errors.add(key, gettext("At most %(n)s characters") % {"n": limit})
    return text


@transaction.atomic
def notify(*, actor: Any, channel: str, case: DormancyCase, data: dict[str, Any]) -> DormancyCase:
    """督促履行义务通知书: the facts, the period to file the reports and explain, what follows."""
    case = _locked(case)
    _transition(case, Step.NOTIFY)
    errors = FieldErrors()
    on = _day(errors, "served_on", data.get("served_on"), case)
    number = _text(errors, "document_number", data.get("document_number"), required=True, limit=100)
    method = str(data.get("method") or "")
    if method not in NoticeMethod.values:
        errors.add("method", gettext("Choose how the notice was served"))
    elif method == NoticeMethod.ANNOUNCEMENT and not case.unreachable:
        errors.add("method", gettext("An internet announcement is for an organization that cannot be reached at its registered address; serve the notice in writing"))  # fmt: skip
    note = _text(errors, "note", data.get("note"), required=False)
    errors.raise_if_any()
    assert on is not None
    org = case.organization
    _version, params = parameters(org, on)
    respond_by = on + dt.timedelta(days=params.response_days)
    case.notice_text = render_text("dormancy_notice", {
        "addressee": _addressee(org), "facts": facts(case), "basis": basis_text("R1.6(1)"),
        "regulation": REGULATIONS.get(org.org_type, "有关登记管理法规"), "days": params.response_days,
        "due": zh_date(respond_by), "announced": method == NoticeMethod.ANNOUNCEMENT,
        "authority": authority_name(org), "date": zh_date(on),
    })  # fmt: skip
    case.notice_number, case.notice_served_on, case.notice_method = number, on, method
    _advance(actor, channel, case, Step.NOTIFY, on, note=note, number=number, params=params)
    return case


def _handover(actor: Any, channel: str, case: DormancyCase, on: dt.date, note: str) -> ListProposal | None:
    """The lists app's proposal for the case: an open one on R1.6(1) or R1.6(6) if any, else a new
    one (None when the organization is already on the abnormal list on one of those grounds)."""
    org = case.organization
    existing = (
        ListProposal.objects.filter(organization=org, ground__in=LIST_GROUNDS, status=ListProposal.Status.PROPOSED)
        .order_by("-id").first()
    )  # fmt: skip
    if existing is not None:
        return existing
    if ListEntry.objects.filter(organization=org, list="abnormal", ground__in=LIST_GROUNDS,
                                left_on__isnull=True).exists():  # fmt: skip
        return None
    records = list(
        CreditRecord.objects.filter(organization=org, is_current=True, kind__code=MISSING_KIND).order_by(
            "occurred_on"
        )
    )
    ground = "R1.6(1)" if records or not case.unreachable else "R1.6(6)"
    arose = max((r.occurred_on for r in records), default=case.identified_on)
    reason = f"{facts(case)}。经督促（{case.notice_number}），逾期仍未报送、说明。{note}".strip()
    return raise_proposal(actor, org, ground, arose_on=min(arose, on), reason=reason,
                          records=records if ground == "R1.6(1)" else (), channel=channel)  # fmt: skip


@transaction.atomic
def propose_listing(*, actor: Any, channel: str, case: DormancyCase, data: dict[str, Any]) -> DormancyCase:
    """Hand the case to the lists app once the notice's period has run out (R1.6(1), R1.6(6))."""
    case = _locked(case)
    _transition(case, Step.PROPOSE)
    errors = FieldErrors()
    on = _day(errors, "on", data.get("on"), case)
    note = _text(errors, "note", data.get("note"), required=False)
    errors.raise_if_any()
    assert on is not None and case.notice_served_on is not None
    _version, params = parameters(case.organization, on)
    respond_by = case.notice_served_on + dt.timedelta(days=params.response_days)
    if on <= respond_by:
        raise FieldErrors(on=gettext("The organization has until %(day)s to respond to the notice: propose the listing after that day") % {"day": respond_by.isoformat()})  # fmt: skip
    case.proposal = _handover(actor, channel, case, on, note)
    text = note or ("已在活动异常名录中" if case.proposal is None else "")
    _advance(actor, channel, case, Step.PROPOSE, on, note=text, params=params)
    return case


@transaction.atomic
def guide(*, actor: Any, channel: str, case: DormancyCase, data: dict[str, Any]) -> DormancyCase:
    """注销登记指引: how to wind up and deregister, and by when."""
    case = _locked(case)
    _transition(case, Step.GUIDE)
    errors = FieldErrors()
    on = _day(errors, "served_on", data.get("served_on"), case)
    number = _text(errors, "document_number", data.get("document_number"), required=True, limit=100)
    note = _text(errors, "note", data.get("note"), required=False)
    errors.raise_if_any()
    assert on is not None
    org = case.organization
    _version, params = parameters(org, on)
    case.guidance_text = render_text("dormancy_guidance", {
        "addressee": _addressee(org), "facts": facts(case), "regulation": REGULATIONS.get(org.org_type, "有关登记管理法规"),
        "days": params.guidance_days, "due": zh_date(on + dt.timedelta(days=params.guidance_days)),
        "note": note, "authority": authority_name(org), "date": zh_date(on),
    })  # fmt: skip
    case.guidance_number, case.guidance_served_on = number, on
    _advance(actor, channel, case, Step.GUIDE, on, note=note, number=number, params=params)
    return case


@transaction.atomic
def revoke(*, actor: Any, channel: str, case: DormancyCase, data: dict[str, Any],
           warnings_confirmed: bool = False) -> DormancyCase:  # fmt: skip
    """撤销登记 through the registry's service (its checks, its document, its history), then closed."""
    case = _locked(case)
    _transition(case, Step.REVOKE)
    errors = FieldErrors()
    on = _day(errors, "effective_on", data.get("effective_on"), case)
    errors.raise_if_any()
    assert on is not None
    end_registration(actor=actor, channel=channel, organization=case.organization, act="revoke",
                     data={**data, "effective_on": on}, warnings_confirmed=warnings_confirmed)  # fmt: skip
    _advance(actor, channel, case, Step.REVOKE, on, note=str(data.get("reason") or "")[:2000],
             number=str(data.get("document_number") or "")[:100])  # fmt: skip
    return case


@transaction.atomic
def confirm_deregistered(
    *, actor: Any, channel: str, case: DormancyCase, data: dict[str, Any]
) -> DormancyCase:
    """The organization deregistered (注销登记, recorded in the registry): the case closes."""
    case = _locked(case)
    _transition(case, Step.DEREGISTERED)
    if case.organization.status != OrgStatus.DEREGISTERED.value:
        raise FieldErrors(__all__=gettext("The organization is not deregistered: record its deregistration on the organization's registration page first"))  # fmt: skip
    errors = FieldErrors()
    on = _day(errors, "on", data.get("on"), case)
    note = _text(errors, "note", data.get("note"), required=False)
    errors.raise_if_any()
    assert on is not None
    _advance(actor, channel, case, Step.DEREGISTERED, on, note=note)
    return case


@transaction.atomic
def resume(*, actor: Any, channel: str, case: DormancyCase, data: dict[str, Any]) -> DormancyCase:
    """Closed because the organization resumed its activities (what it did is stated)."""
    case = _locked(case)
    _transition(case, Step.RESUME)
    errors = FieldErrors()
    on = _day(errors, "on", data.get("on"), case)
    note = _text(errors, "note", data.get("note"), required=True)
    errors.raise_if_any()
    assert on is not None
    _advance(actor, channel, case, Step.RESUME, on, note=note)
    return case
