"""The writers of the measures app, each one audited transaction: a catalogue version, a push of
domain blacklists, a credit check (logged with its number) and a department's feedback."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import uuid
import zlib
from collections import Counter
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext

from socredit.apps.audit.services import actor_label, record_event, staff_user_of
from socredit.apps.measures import catalogues, statuses
from socredit.apps.measures.models import (
    CatalogueVersion,
    CheckFeedback,
    CreditCheck,
    DomainListing,
    FeedbackOutcome,
    SubjectKind,
    pack,
    unpack,
)
from socredit.apps.registry.models import Organization
from socredit.apps.workdays.services import working_calendar
from socredit.common import policy
from socredit.common.api import is_token
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.core.codes import CodeError, is_social_org_code, validate_id_number, validate_social_org_code
from socredit.core.config import ConfigError
from socredit.core.measures.catalogue import SCENARIO_CODES, MeasureCatalogue, Scenario
from socredit.core.measures.domains import PUSHED_DOMAINS, domain_list_name
from socredit.core.measures.evaluate import SubjectStatus, applicable_measures

MAX_SUBJECTS = 10_000
"""Subjects in one check (issue 15: a department checks up to 10,000 subjects in one call)."""
MAX_PUSH = 5_000
"""Domain blacklist entries in one push."""


# --- the catalogue ---------------------------------------------------------------------------------


@transaction.atomic
def save_catalogue_version(actor: Any, *, text: str, reason: str, channel: str = "form") -> CatalogueVersion:
    """保存措施清单新版本: check the whole text (the line of any mistake), refuse a version name that
    exists, keep the text with who saved it and why. A version is never edited afterwards."""
    errors = FieldErrors()
    reason = (reason or "").strip()
    if not reason:
        errors.add("reason", gettext("Say why the catalogue changes"))
    try:
        catalogue = catalogues.check_text(text or "", source="text")
    except ConfigError as exc:
        where = gettext("line %(line)s: ") % {"line": exc.line} if exc.line else ""
        errors.add("text", where + exc.message)
        raise errors from None
    if errors:
        raise errors
    known = {m.version for m in catalogues.library().versions()}
    if catalogue.version in known:
        raise FieldErrors(
            text=gettext("The version “%(version)s” exists already: a new version needs a new name")
            % {"version": catalogue.version}
        )
    try:
        based_on = catalogues.catalogue_on(catalogue.effective_from).version
    except catalogues.NoCatalogue:
        based_on = ""
    row = CatalogueVersion.objects.create(
        version=catalogue.version, title=catalogue.title, effective_from=catalogue.effective_from, text=text,
        reason=reason, based_on=based_on, created_by=staff_user_of(actor), created_by_label=actor_label(actor),
    )  # fmt: skip
    record_event(actor=actor, channel=channel, action="measures.catalogue_saved", target=row,
                 summary=f"措施清单新版本 {row.version}（{len(catalogue.measures)}项措施）",
                 data={"version": row.version, "based_on": based_on, "reason": reason,
                       "measures": len(catalogue.measures)})  # fmt: skip
    return row


# --- domain blacklists ---------------------------------------------------------------------------------


def _clean_listing(item: dict[str, Any], domain: str, day: dt.date) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    kind = str(item.get("subject_kind") or "")
    key = ""
    if kind == SubjectKind.ORGANIZATION:
        try:
            key = validate_social_org_code(str(item.get("code") or "")).code
        except CodeError as exc:
            errors["code"] = str(exc)
    elif kind == SubjectKind.PERSON:
        try:
            key = validate_id_number(str(item.get("id_number") or ""), day)
        except CodeError as exc:
            errors["id_number"] = str(exc)
    else:
        errors["subject_kind"] = gettext("The subject is “organization” or “person”")
    name = str(item.get("name") or "").strip()
    if not name or len(name) > 200:
        errors["name"] = gettext("Enter the subject's name (at most 200 characters)")
    number = str(item.get("document_number") or "").strip()
    if not number or len(number) > 100:
        errors["document_number"] = gettext(
            "Enter the number of the listing decision (at most 100 characters)"
        )
    entered, left = item.get("entered_on"), item.get("left_on")
    if not isinstance(entered, dt.date):
        errors["entered_on"] = gettext("Enter the day the subject was listed (YYYY-MM-DD)")
    elif entered > day:
        errors["entered_on"] = gettext("The day of listing is in the future")
    if left is not None and (
        not isinstance(left, dt.date) or (isinstance(entered, dt.date) and left <= entered)
    ):
        errors["left_on"] = gettext("The day of removal must be a date after the day of listing")
    source = str(item.get("source") or "").strip()
    if len(source) > 300:
        errors["source"] = gettext("The source is too long (at most 300 characters)")
    values = {"domain": domain, "subject_kind": kind, "subject_key": key, "name": name, "document_number": number,
              "entered_on": entered, "left_on": left, "source": source}  # fmt: skip
    return values, errors


@transaction.atomic
def push_domain_listings(
    principal: Any, items: list[dict[str, Any]], *, channel: str = "api"
) -> dict[str, Any]:
    """推送领域黑名单: a department's own domain's entries, validated one by one; the valid ones are
    written (a re-push of the same entry changes nothing, a changed one is updated), the others are
    reported by index and field. The domain is the department's kind."""
    department = getattr(principal, "department", None) if is_token(principal) else None
    if department is None:
        raise FieldErrors(
            __all__=gettext("Only a department's system pushes its domain's blacklist (a department token)")
        )
    domain = department.kind
    if domain not in PUSHED_DOMAINS:
        raise FieldErrors(__all__=gettext(
            "Civil-affairs departments keep the serious list on this platform; they push no domain blacklist"
        ))  # fmt: skip
    if not items:
        raise FieldErrors(items=gettext("At least one entry is needed"))
    if len(items) > MAX_PUSH:
        raise FieldErrors(
            items=gettext("At most %(n)s entries in one push; send the rest in another") % {"n": MAX_PUSH}
        )
    day = today()
    cleaned: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        values, wrong = _clean_listing(item, domain, day)
        if wrong:
            errors.extend({"index": index, "field": f, "message": m} for f, m in wrong.items())
        else:
            cleaned.append(values)
    codes = [v["subject_key"] for v in cleaned if v["subject_kind"] == SubjectKind.ORGANIZATION]
    org_ids = dict(Organization.objects.filter(code__in=codes).values_list("code", "id"))
    existing = {
        (row.subject_key, row.document_number): row
        for row in DomainListing.objects.filter(
            department=department, domain=domain, subject_key__in=[v["subject_key"] for v in cleaned]
        )
    }
    created = updated = unchanged = 0
    for values in cleaned:
        values["organization_id"] = org_ids.get(values["subject_key"])
        row = existing.get((values["subject_key"], values["document_number"]))
        if row is None:
            row = DomainListing.objects.create(department=department, **values)
            existing[(row.subject_key, row.document_number)] = row
            created += 1
            continue
        changed = [k for k, v in values.items() if getattr(row, k) != v]
        if not changed:
            unchanged += 1
            continue
        for k in changed:
            setattr(row, k, values[k])
        row.save()
        updated += 1
    summary = {"domain": domain, "received": len(items), "created": created, "updated": updated,
               "unchanged": unchanged, "refused": len({e["index"] for e in errors})}  # fmt: skip
    if created or updated:
        record_event(actor=principal, channel=channel, action="measures.domain_listings_pushed",
                     target_type="registry.department", target_id=str(department.pk),
                     summary=f"{department.name} 推送{domain_list_name(domain)} {created}条新增、{updated}条更新",
                     data=summary)  # fmt: skip
    return {**summary, "errors": errors}


# --- credit checks ---------------------------------------------------------------------------------


def _person_digest(number: str) -> str:
    """A keyed digest of an ID number: the log can tell whether a number was checked without keeping it."""
    return hmac.new(settings.SECRET_KEY.encode(), number.encode(), hashlib.sha256).hexdigest()


def catalogue_details(
    catalogue: MeasureCatalogue, codes: set[str] | None = None, language: str | None = None
) -> dict[str, Any]:
    """The measures (all, or those of ``codes``) as a reader sees them: text, department, basis."""
    language = language or get_language() or settings.LANGUAGE_CODE
    out = {}
    for m in catalogue.measures:
        if codes is None or m.code in codes:
            out[m.code] = {
                "code": m.code, "kind": m.kind, "force": m.force, "text": m.text_in(language),
                "department": m.department_in(language), "basis": [b.citation for b in m.basis],
                "valid_from": m.valid_from.isoformat(),
                "valid_until": m.valid_until.isoformat() if m.valid_until else None,
            }  # fmt: skip
    return out


def _check_inputs(scenario: str, codes: list[str], id_numbers: list[str], as_of: dt.date | None) -> dt.date:
    errors = FieldErrors()
    if scenario not in SCENARIO_CODES:
        errors.add("scenario", gettext("Unknown scenario “%(scenario)s”; one of: %(known)s")
                   % {"scenario": scenario, "known": "、".join(SCENARIO_CODES)})  # fmt: skip
    total = len(codes) + len(id_numbers)
    if total == 0:
        errors.add("codes", gettext("Give at least one organization code or ID number"))
    elif total > MAX_SUBJECTS:
        errors.add("codes", gettext("At most %(max)s subjects in one check (%(n)s given); split the check")
                   % {"max": MAX_SUBJECTS, "n": total})  # fmt: skip
    day = as_of or today()
    if day > today():
        errors.add("as_of", gettext("The day of the check cannot be in the future"))
    if errors:
        raise errors
    try:
        catalogues.catalogue_on(day)
    except catalogues.NoCatalogue:
        raise FieldErrors(
            as_of=gettext("No measures catalogue is in force on %(day)s") % {"day": day}
        ) from None
    return day


NOT_FOUND = "not found"


def run_check(
    principal: Any, *, scenario: str, codes: list[str], id_numbers: list[str], as_of: dt.date | None = None,
    channel: str = "api",
) -> tuple[CreditCheck, bytes]:  # fmt: skip
    """信用核查: each subject's status on the day and the measures that apply in ``scenario``, mandatory
    first, each with its basis; logged as one ``CreditCheck`` with its number and the answer's digest.
    Malformed or unknown subjects are answered with their error; the rest is answered. Returns the
    check and the answer as canonical JSON (what the digest is of; ``answer_json`` adds the number)."""
    day = _check_inputs(scenario, codes, id_numbers, as_of)
    language = get_language() or settings.LANGUAGE_CODE
    catalogue = catalogues.catalogue_on(day)
    scope = principal.scope_path() or ""
    results: list[dict[str, Any]] = [{} for _ in range(len(codes) + len(id_numbers))]
    valid_codes: dict[int, str] = {}
    for i, raw in enumerate(codes):
        text = str(raw or "").strip().upper()
        if is_social_org_code(text):
            valid_codes[i] = text
            continue
        try:
            valid_codes[i] = validate_social_org_code(text).code
        except CodeError as exc:
            results[i] = {"n": i, "kind": "organization", "subject": text[:40], "error": str(exc)}
    found = statuses.organizations_in_scope(valid_codes.values(), scope)
    org_rows = statuses.organization_statuses(found, day)
    valid_ids: dict[int, str] = {}
    offset = len(codes)
    for j, raw in enumerate(id_numbers):
        text = str(raw or "").strip().upper()
        try:
            valid_ids[offset + j] = validate_id_number(text, today())
        except CodeError as exc:
            results[offset + j] = {"n": offset + j, "kind": "person",
                                   "subject": policy.masked_id_number(text) if text else "", "error": str(exc)}  # fmt: skip
    person_rows = statuses.person_statuses(list(valid_ids.values()), day, scope)
    conclusions: dict[SubjectStatus, list[dict[str, Any]]] = {}
    measure_counts: Counter[str] = Counter()
    mandatory = 0

    def measures_of(status: SubjectStatus) -> list[dict[str, Any]]:
        # statuses repeat (most subjects are clean): each distinct one is concluded once
        if status not in conclusions:
            conclusions[status] = [
                {"code": a.measure.code, "kind": a.measure.kind, "force": a.measure.force,
                 "reason": a.reason(language)}
                for a in applicable_measures(status, scenario, catalogue, day)
            ]  # fmt: skip
        return conclusions[status]

    for i, code in valid_codes.items():
        org = org_rows.get(code)
        if org is None:
            results[i] = {"n": i, "kind": "organization", "subject": code,
                          "error": gettext("No organization with this code within your region")}  # fmt: skip
            continue
        s = org.status
        applied = measures_of(s)
        results[i] = {
            "n": i, "kind": "organization", "subject": code, "name": org.name, "level": s.level,
            "lists": [{"list": x["list"], "since": x["since"].isoformat()} for x in org.lists],
            "red_list": s.red, "domains": [_domain_out(d, language) for d in org.domains],
            "domains_count": len(s.domains), "clean_years": s.clean_years, "green_channel": s.green_channel,
            "measures": applied,
        }  # fmt: skip
    for n, number in valid_ids.items():
        row = person_rows[number]
        applied = measures_of(row.status)
        results[n] = {
            # no name: a person registered in another region is answered like an unregistered one
            "n": n, "kind": "person", "subject": policy.masked_id_number(number),
            "bans": [_jsonable(b) for b in row.bans],
            "listings": [_jsonable(x) for x in row.listings],
            "domains": [_domain_out(d, language) for d in row.domains], "domains_count": len(row.status.domains),
            "measures": applied,
        }  # fmt: skip
    pairs = 0
    for r in results:
        for m in r.get("measures", ()):
            measure_counts[m["code"]] += 1
            pairs += 1
            mandatory += m["force"] == "mandatory"
    answer = {
        "scenario": scenario, "scenario_label": Scenario.by_code(scenario).label(language), "as_of": day.isoformat(),
        "catalogue": {"version": catalogue.version, "title": catalogue.title},
        "results": results, "measures": catalogue_details(catalogue, set(measure_counts), language),
    }  # fmt: skip
    canonical = canonical_json(answer)
    digest = hashlib.sha256(canonical).hexdigest()
    subjects = [{"kind": "organization", "code": str(c or "").strip().upper()[:40]} for c in codes] + [
        {"kind": "person", "masked": results[offset + j].get("subject", ""),
         "digest": _person_digest(valid_ids[offset + j]) if offset + j in valid_ids else ""}
        for j in range(len(id_numbers))
    ]  # fmt: skip
    check = _log_check(principal, channel, scenario, day, catalogue.version, subjects, canonical, digest,
                       answered=sum("error" not in r for r in results), pairs=pairs, mandatory=mandatory,
                       measure_counts=dict(measure_counts))  # fmt: skip
    return check, canonical


def _domain_out(d: dict[str, Any], language: str) -> dict[str, Any]:
    return {"domain": d["domain"], "list_name": domain_list_name(d["domain"], language),
            "entered_on": d["entered_on"].isoformat(), "document_number": d["document_number"]}  # fmt: skip


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in d.items()}


def feedback_working_days(day: dt.date, region_path: str) -> int:
    """N of "checks lacking feedback after N working days": the profile of the checker's region."""
    return policy.policy_profile(day, region_path or None).int_value("checks.feedback_working_days")


def canonical_json(value: Any) -> bytes:
    """The one serialisation of an answer: keys sorted, no spaces, UTF-8 (its digest is the check's)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def answer_json(check: CreditCheck, canonical: bytes | None = None) -> bytes:
    """The answer as the API gives it: the check's number, time and digest, then the stored answer
    (not parsed again: a check of 10,000 subjects is read back in milliseconds)."""
    body = canonical if canonical is not None else zlib.decompress(bytes(check.answer))
    head = canonical_json(
        {"number": check.number, "made_at": check.made_at.isoformat(), "digest": check.digest}
    )
    return head[:-1] + b"," + body[1:]


@transaction.atomic
def _log_check(principal: Any, channel: str, scenario: str, day: dt.date, version: str,
               subjects: list[dict[str, Any]], answer: bytes, digest: str, *, answered: int,
               pairs: int, mandatory: int, measure_counts: dict[str, int]) -> CreditCheck:  # fmt: skip
    now = timezone.now()
    region_path = principal.scope_path() or ""
    due = None
    if pairs:
        n = feedback_working_days(today(), region_path)
        due = working_calendar().add_working_days(timezone.localdate(now), n)
    check = CreditCheck.objects.create(
        number=f"pending-{uuid.uuid4().hex[:21]}", scenario=scenario, as_of=day, catalogue_version=version,
        made_at=now, made_by=staff_user_of(principal), made_by_label=actor_label(principal),
        department=getattr(principal, "department", None) if is_token(principal) else None,
        channel=channel, region_path=region_path, subjects_count=len(subjects), answered_count=answered,
        pairs_count=pairs, mandatory_count=mandatory, measure_counts=measure_counts, feedback_due=due,
        subjects=pack(subjects), answer=zlib.compress(answer, 3), digest=digest,
    )  # fmt: skip
    # 核查编号: the day and the log's own sequence (unique without a counter row to lock)
    check.number = f"HC{timezone.localdate(now):%Y%m%d}{check.pk:07d}"
    CreditCheck.objects.filter(pk=check.pk).update(number=check.number)
    record_event(actor=principal, channel=channel, action="measures.check_made", target=check,
                 summary=f"信用核查 {check.number}：{len(subjects)}个主体",
                 data={"number": check.number, "scenario": scenario, "as_of": day.isoformat(),
                       "subjects": len(subjects), "digest": digest})  # fmt: skip
    return check


def stored_answer(check: CreditCheck) -> dict[str, Any]:
    """The answer exactly as it was given (with its number, time and digest)."""
    answer: dict[str, Any] = json.loads(answer_json(check))
    return answer


# --- feedback ---------------------------------------------------------------------------------------


def may_give_feedback(principal: Any, check: CreditCheck) -> bool:
    """Only who made the check answers for it: the same department (a token), the same account (staff)."""
    if is_token(principal):
        return check.department_id is not None and check.department_id == principal.department_id
    return check.made_by_id is not None and check.made_by_id == getattr(principal, "pk", None)


@transaction.atomic
def record_feedback(principal: Any, check: CreditCheck, items: list[dict[str, Any]], *,
                    channel: str = "api") -> int:  # fmt: skip
    """反馈: for each (subject, measure) of the answer, what the department did — applied, not applied
    (with the reason) or an exemption (with the reason). Giving it again replaces the earlier one."""
    if not may_give_feedback(principal, check):
        raise FieldErrors(__all__=gettext("Only the department that made the check gives its feedback"))
    if not items:
        raise FieldErrors(items=gettext("Give feedback on at least one measure"))
    applicable = {r["n"]: {m["code"] for m in r.get("measures", ())} for r in unpack(check.answer)["results"]}
    outcomes = set(FeedbackOutcome.values)
    errors = FieldErrors()
    rows: dict[tuple[int, str], dict[str, str]] = {}
    for index, item in enumerate(items):
        n, code = item.get("n"), str(item.get("measure") or "")
        outcome, reason = str(item.get("outcome") or ""), str(item.get("reason") or "").strip()
        where = f"items[{index}]"
        if not isinstance(n, int) or n not in applicable:
            errors.add(where, gettext("Subject %(n)s is not in this check") % {"n": n})
            continue
        if code not in applicable[n]:
            errors.add(
                where,
                gettext("The measure “%(code)s” did not apply to subject %(n)s") % {"code": code, "n": n},
            )
            continue
        if outcome not in outcomes:
            errors.add(
                where, gettext("The outcome is one of: %(known)s") % {"known": "、".join(sorted(outcomes))}
            )
            continue
        if outcome != FeedbackOutcome.APPLIED and not reason:
            errors.add(where, gettext("Say why the measure was not applied or the subject exempted"))
            continue
        if len(reason) > 2000:
            errors.add(where, gettext("The reason is too long (at most 2000 characters)"))
            continue
        rows[(n, code)] = {"outcome": outcome, "reason": reason}
    if errors:
        raise errors
    label = actor_label(principal)
    for (n, code), values in rows.items():
        CheckFeedback.objects.update_or_create(
            check_row=check,
            subject_index=n,
            measure_code=code,
            defaults={**values, "recorded_by_label": label},
        )
    check.feedback_count = CheckFeedback.objects.filter(check_row=check).count()
    check.save(update_fields=["feedback_count"])
    record_event(actor=principal, channel=channel, action="measures.feedback_recorded", target=check,
                 summary=f"信用核查 {check.number} 反馈 {len(rows)} 项",
                 data={"number": check.number, "items": len(rows), "feedback": check.feedback_count,
                       "pairs": check.pairs_count})  # fmt: skip
    return len(rows)
