"""公开数据层 — what the public may read about an organization, as one plain dict.

The portal's pages, the credit report (信用报告), the open data and the public API all serialise
exactly what ``public_profile`` returns; nothing public is read any other way. What is public is
decided here and only here, on top of ``records.publicity.published_records`` (社会公开, within the
publicity period, not 轻微 unless published, never repaired, expired, revoked or superseded).

``public_organization(code)``
    The organization with this 统一社会信用代码 (folded: lower-case letters are read as capitals,
    spaces dropped), or None for a malformed or unknown code. Every registered organization is public
    (登记信息 is public information, rules.md R1.3); there is no hidden organization.

``public_profile(org, as_of=None, language=None)``
    Everything public about ``org`` on ``as_of`` (default: ``clock.today()``), labels in ``language``
    (default: the active one). JSON-serialisable (str, int, bool, None, lists, dicts; dates as
    ``YYYY-MM-DD``, amounts as decimal strings), deterministic (every list has a stable order), with
    no database id and no internal code (rules.md item, verification tag, parameter or profile
    name, stored enum value) in any text a reader sees. ``kind``/``list`` fields are stable keys
    used only to choose a label or a section. The shape (version ``SCHEMA``)::

        {
          "schema": "socredit.public-profile/1",
          "as_of": "2026-12-04",
          "organization": {
            "code": "51410105MJ…", "name": "…", "former_names": ["…"],       # oldest first
            "type": "社会团体", "field": "养老服务", "status": "正常",
            "region": "河南省郑州市金水区", "registration_authority": "…",
            "supervisory_unit": "…", "registered_on": "2015-03-02",
            "address": "…", "business_scope": "…",
          },
          "persons": [{"name": "张三", "role": "法定代表人"}, …],             # current posts; names only
          "registration_changes": [                                       # newest first
            {"act": "变更登记", "item": "名称", "before": "…", "after": "…",
             "effective_on": "…", "document_number": "…"}, …],
          "evaluation_grade": None | {"grade": "评估等级4A", "decided_on": "…",
                                      "valid_until": "…", "authority": "…", "document_number": "…"},
          "records": {                                                    # each newest first
            "licences": [RECORD, …],        # 行政许可 (registration decisions, filings)
            "penalties": [RECORD, …],       # 行政处罚 within their publicity periods
            "annual_reports": [RECORD, …],  # 年度工作报告 / 年检 results
            "inspections": [RECORD, …],     # 抽查、检查
            "grades": [RECORD, …],          # 评估等级 decisions
            "commendations": [RECORD, …],   # 表彰奖励
            "other": [RECORD, …],           # everything else published
          },
          "lists": {
            "current": [LISTING, …],        # 活动异常名录 / 严重违法失信名单, in force on as_of
            "red": [LISTING, …],            # 守信红名单, in force on as_of
            "history": [LISTING, …],        # past stays on any list (removal date set), newest first
          },
          "commitments": [{"title": "…", "matter": "…", "subject": "…", "text": "…",
                           "signed_by": "…", "signed_on": "…", "due_on": None | "…",
                           "status": "有效"}, …],                               # 诚信承诺专栏
          "credit_level": None | {"level": "A", "name": "诚信", "as_of": "…"},  # only where published
          "annual_work_reports": [ANNUAL_REPORT, …],                     # concluded reports, newest year first
          "spot_checks": [{"year": 2025, "plan": "…", "authority": "…", "result": "未发现问题",
                           "checked_on": "…", "rectify_by": None | "…", "published_on": "…"}, …],
        }                                                # results of published spot-check plans, newest first

    RECORD = ``{"kind": "行政处罚：罚款", "category": "penalty", "negative": true, "document_number":
    "…", "decided_on": "…" | None, "occurred_on": "…", "authority": "…", "amount": "30000.00" | None,
    "summary": "…", "legal_basis": "《…》（…）", "severity": "一般" | "", "publicity_until": "…" | None,
    "under_objection": false}`` (the 双公示 fields: 文书号, 事项, 内容, 金额, 决定日期, 机关, 依据,
    公示截止期).

    LISTING = ``{"list": "abnormal" | "serious" | "red", "list_name": "活动异常名录", "entered_on":
    "…", "ground": "未按照规定时限和要求报送年度工作报告", "legal_basis": "…", "authority": "…",
    "document_number": "…", "left_on": None | "…", "exit_ground": "" | "…", "exit_document_number":
    "" | "…", "under_objection": false}``.

    ANNUAL_REPORT = the public part of a concluded 年度工作报告 (``annualreports.published``): ``{"year":
    2025, "result": "合格", "concluded_on": "…", "submitted_on": "…", "whole_report": false, "basis":
    ["《…》第六条、第七条"], "fields": [{"code": "activities_summary", "label": "本年度业务活动情况",
    "value": "…"}, …], "figures": [{"code": "bs_total_assets", "label": "资产总计", "statement":
    "资产负债表", "value": "1000000.00"}, …]}``: only the fields and figures the rules for the
    organization's type publish (never the contact person's name and telephone).

What is left out, on purpose: records not public (政务共享, 内部使用), outside their publicity period,
轻微 where not published, repaired, expired, revoked or corrected; a listing whose publicity is
suspended during an objection, and a listing annulled on an objection (it was wrong, so it is not
history); unpublished and withdrawn commitments; ID numbers (also when a text carries one), contact
persons and phones, reporters, staff notes, reasons written for staff, and the credit level unless
the organization's registration authority publishes levels (``PublicationSetting``).

``public_search(query, …)`` searches the organizations as the portal does (see its docstring).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from socredit.apps.annualreports.published import published_reports
from socredit.apps.cases.models import Case, CaseKind, CaseStatus
from socredit.apps.commitments.models import Commitment, CommitmentStatus
from socredit.apps.lists.models import LIST_LABELS, RED, ListEntry
from socredit.apps.lists.services import ground_basis, ground_title
from socredit.apps.portal.models import PublicationSetting
from socredit.apps.records.models import CreditRecord
from socredit.apps.records.publicity import published_records_of
from socredit.apps.registry import search as registry_search
from socredit.apps.registry.access import registered_organization
from socredit.apps.registry.models import CONFIRMED_ROLE, Organization, Region, RegistrationAct
from socredit.apps.registry.regions import resolve_region
from socredit.apps.registry.services import registering_department
from socredit.apps.spotchecks.access import published_checks
from socredit.common import clock
from socredit.common.policy import policy_profile
from socredit.common.sql import column_in, fetch_rows
from socredit.core.citations import public_basis, public_text
from socredit.core.lists.grounds import OBJECTION_EXIT
from socredit.core.repair import publicity_end
from socredit.core.scoring.model import LEVEL_CODES, LEVEL_NAMES
from socredit.core.search import MAX_QUERY, fold, normalise
from socredit.core.types import (
    DishonestyClass,
    OrgField,
    OrgStatus,
    OrgType,
    Polarity,
    RecordCategory,
    RoleKind,
)

SCHEMA = "socredit.public-profile/1"
GRADE_VALID_YEARS = 5
"""评估等级有效期五年 (《社会组织评估管理办法》, rules.md R3.3)."""
SECTIONS = {
    RecordCategory.BASIC.value: "licences",
    RecordCategory.PENALTY.value: "penalties",
    RecordCategory.ANNUAL_REPORT.value: "annual_reports",
    RecordCategory.INSPECTION.value: "inspections",
    RecordCategory.EVALUATION_GRADE.value: "grades",
    RecordCategory.COMMENDATION.value: "commendations",
}
"""Record category → profile section; any other category goes to ``other``."""
SECTION_ORDER = ("licences", "penalties", "annual_reports", "inspections", "grades", "commendations", "other")
ROLE_ORDER = [m.value for m in RoleKind]

_CODE = re.compile(r"[0-9A-Z]{18}")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{6}(?:\d|\*){8,11}[\dXx*](?![0-9A-Za-z])")
"""An ID number, whole or masked (``410105********1234``), inside free text."""
_MASKED_AFTER_NAME = re.compile(r"[（(][0-9Xx*]{6,18}[)）]")
"""The masked ID number a registration record writes after a person's name: ``张三（4****************1）``."""


def _lang(language: str | None) -> str:
    return language or translation.get_language() or "zh-hans"


def _label(enum_cls: Any, code: Any, language: str) -> str:
    try:
        return str(enum_cls.by_code(code).label(language))
    except ValueError:
        return ""


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def scrub(text: str | None) -> str:
    """A stored text as the public may read it: internal codes and record ids removed
    (``citations.public_text``), ID numbers (whole or masked) replaced."""
    if not text:
        return ""
    text = _MASKED_AFTER_NAME.sub("", text)
    return _ID_NUMBER.sub("[已隐去]", public_text(text))


# --- the organization -----------------------------------------------------------------------------


def public_organization(code: str | None) -> Organization | None:
    """The organization with the 统一社会信用代码 ``code`` (see the module docstring); None if the code
    is malformed or unknown."""
    folded = fold(re.sub(r"\s+", "", code or ""))
    if not _CODE.fullmatch(folded):
        return None
    return registered_organization(folded)


def region_names(paths: list[str], language: str | None = None) -> dict[str, str]:
    """{region path: its full name below the nation} for many paths in one query: 河南省郑州市金水区 in
    Chinese, the names apart (河南省 郑州市 金水区) in English, where each is a name, not a sentence.
    One plain statement (the search page's rows call it: the ORM's compilation cost more than the read)."""
    codes = sorted({c for p in paths for c in p.strip("/").split("/")})
    if not codes:
        return {}
    condition, params = column_in("code", codes)
    rows = fetch_rows(f"SELECT code, name, level FROM {Region._meta.db_table} WHERE {condition}", params)  # noqa: S608 — fixed names, values bound
    names = {code: name for code, name, level in rows if level != 0}
    sep = " " if _lang(language).startswith("en") else ""
    return {p: sep.join(n for n in (names.get(c, "") for c in p.strip("/").split("/")) if n) for p in paths}


def level_published(org: Organization) -> bool:
    """Whether the organization's registration authority publishes credit levels."""
    if not PublicationSetting.objects.filter(publish_credit_level=True).exists():
        return False
    dept = registering_department(org.region, org.registration_authority)
    return (
        dept is not None
        and PublicationSetting.objects.filter(department=dept, publish_credit_level=True).exists()
    )


def _organization(org: Organization, language: str) -> dict[str, Any]:
    return {
        "code": org.code,
        "name": org.name,
        "former_names": [n for n in (org.former_names or "").splitlines() if n.strip()],
        "type": _label(OrgType, org.org_type, language),
        "field": _label(OrgField, org.field, language),
        "status": _label(OrgStatus, org.status, language),
        "region": region_names([org.region.path], language)[org.region.path],
        "registration_authority": org.registration_authority,
        "supervisory_unit": org.supervisory_unit,
        "registered_on": _day(org.registered_on),
        "address": org.address,
        "business_scope": org.business_scope or "",
    }


def _persons(org: Organization, as_of: dt.date, language: str) -> list[dict[str, str]]:
    roles = (
        org.roles.filter(CONFIRMED_ROLE, start_on__lte=as_of)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=as_of))
        .select_related("person")
    )
    rows = sorted(
        roles,
        key=lambda r: (
            ROLE_ORDER.index(r.kind) if r.kind in ROLE_ORDER else 99,
            r.person.name,
            r.start_on,
            r.pk,
        ),
    )
    return [{"name": r.person.name, "role": _label(RoleKind, r.kind, language)} for r in rows]


def _registration_changes(org: Organization, as_of: dt.date) -> list[dict[str, Any]]:
    out = []
    for c in org.registration_changes.filter(effective_on__lte=as_of).order_by("-effective_on", "-id"):
        out.append(
            {
                "act": str(RegistrationAct(c.act).label) if c.act in RegistrationAct.values else "",
                "item": str(c.get_item_display()) if c.item else "",
                "before": scrub(c.before_shown),
                "after": scrub(c.after_shown),
                "effective_on": _day(c.effective_on),
                "document_number": c.document_number,
            }
        )
    return out


# --- records --------------------------------------------------------------------------------------


def _record(r: CreditRecord, profile: Any, language: str) -> dict[str, Any]:
    kind = r.kind
    until = None
    if kind.polarity == Polarity.NEGATIVE.value:
        until = publicity_end(r.dishonesty_class, r.decided_on or r.occurred_on, profile) or r.publicity_until
    else:
        until = r.publicity_until
    return {
        "kind": kind.name_en if language.startswith("en") else kind.name_zh,
        "category": kind.category,
        "negative": kind.polarity == Polarity.NEGATIVE.value,
        "document_number": r.document_number,
        "decided_on": _day(r.decided_on),
        "occurred_on": _day(r.occurred_on),
        "authority": r.department.name,
        "amount": f"{r.amount:.2f}" if r.amount is not None else None,
        "summary": scrub(r.summary),
        "legal_basis": public_basis(kind.legal_basis) if kind.legal_basis else "",
        "severity": _label(DishonestyClass, r.dishonesty_class, language) if r.dishonesty_class else "",
        "publicity_until": _day(until),
        "under_objection": r.under_objection,
    }


def _records(org: Organization, as_of: dt.date, language: str) -> tuple[dict[str, list[dict[str, Any]]], Any]:
    profile = policy_profile(as_of, org.region)
    qs = published_records_of(org, as_of)
    qs = qs.filter(Q(decided_on__lte=as_of) | Q(decided_on__isnull=True, occurred_on__lte=as_of))
    qs = qs.select_related("kind", "department").order_by(
        "-occurred_on", "-decided_on", "document_number", "-id"
    )
    sections: dict[str, list[dict[str, Any]]] = {s: [] for s in SECTION_ORDER}
    grades: list[CreditRecord] = []
    for r in qs:
        sections[SECTIONS.get(r.kind.category, "other")].append(_record(r, profile, language))
        if r.kind.category == RecordCategory.EVALUATION_GRADE.value:
            grades.append(r)
    return sections, _grade(grades, as_of, language)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _grade(grades: list[CreditRecord], as_of: dt.date, language: str) -> dict[str, Any] | None:
    """The evaluation grade in force: the latest grade decision, valid five years (R3.3)."""
    for r in grades:  # newest first
        start = r.decided_on or r.occurred_on
        valid_until = _add_years(start, GRADE_VALID_YEARS) - dt.timedelta(days=1)
        if valid_until < as_of:
            return None
        return {
            "grade": r.kind.name_en if language.startswith("en") else r.kind.name_zh,
            "decided_on": _day(start),
            "valid_until": _day(valid_until),
            "authority": r.department.name,
            "document_number": r.document_number,
        }
    return None


# --- lists ----------------------------------------------------------------------------------------


def _objected_entries(entries: list[ListEntry]) -> set[int]:
    """Entries an open objection case is about (异议中)."""
    if not entries:
        return set()
    ids = [e.pk for e in entries]
    decisions = [e.entry_decision_id for e in entries]
    rows = Case.objects.filter(kind=CaseKind.OBJECTION, status=CaseStatus.OPEN).filter(
        Q(list_entry_id__in=ids) | Q(list_decision_id__in=decisions)
    )
    found: set[int] = set()
    for entry_id, decision_id in rows.values_list("list_entry_id", "list_decision_id"):
        found |= {e.pk for e in entries if e.pk == entry_id or e.entry_decision_id == decision_id}
    return found


def listing(e: ListEntry, objected: bool = False) -> dict[str, Any]:
    """One stay on a list as the public reads it (LISTING in the module docstring)."""
    exit_ground = ""
    if e.exit_ground:
        exit_ground = ground_title(e.exit_ground)
    decision = e.entry_decision
    return {
        "list": e.list,
        "list_name": str(LIST_LABELS.get(e.list, "")),
        "entered_on": _day(e.entered_on),
        "ground": scrub(ground_title(e.ground)) if e.list != RED else _("Meets the red-list criteria"),
        "legal_basis": scrub(ground_basis(e.ground))
        if e.list != RED
        else scrub(public_basis(decision.legal_basis)),
        "authority": decision.authority_name,
        "document_number": decision.document_number,
        "left_on": _day(e.left_on),
        "exit_ground": scrub(exit_ground),
        "exit_document_number": e.exit_decision.document_number if e.exit_decision_id else "",
        "under_objection": objected,
    }


def public_entries() -> Any:
    """Every list stay that may ever be shown: not annulled on an objection (it was wrong)."""
    return ListEntry.objects.exclude(exit_ground=OBJECTION_EXIT.code)


def _lists(org: Organization, as_of: dt.date) -> dict[str, list[dict[str, Any]]]:
    entries = list(
        public_entries()
        .filter(organization=org, entered_on__lte=as_of)
        .select_related("entry_decision", "exit_decision")
        .order_by("-entered_on", "-id")
    )
    current = [e for e in entries if (e.left_on is None or e.left_on > as_of) and not e.publicity_suspended]
    history = [e for e in entries if e.left_on is not None and e.left_on <= as_of]
    objected = _objected_entries(current)
    return {
        "current": [listing(e, e.pk in objected) for e in current if e.list != RED],
        "red": [listing(e) for e in current if e.list == RED],
        "history": [listing(e) for e in history],
    }


def _commitments(org: Organization, as_of: dt.date, language: str) -> list[dict[str, Any]]:
    rows = (
        Commitment.objects.filter(organization=org, published=True, signed_on__lte=as_of)
        .exclude(status=CommitmentStatus.WITHDRAWN)
        .select_related("template")
        .order_by("-signed_on", "-id")
    )
    with translation.override(language):
        return [
            {
                "title": c.template.title,
                "matter": str(c.get_matter_display()),
                "subject": scrub(c.subject),
                "text": scrub(c.text),
                "signed_by": c.signed_by_name,
                "signed_on": _day(c.signed_on),
                "due_on": _day(c.due_on),
                "status": str(c.get_status_display()),
            }
            for c in rows
        ]


def _credit_level(org: Organization) -> dict[str, Any] | None:
    if not level_published(org):
        return None
    score = getattr(org, "credit", None)
    if score is None or score.level not in LEVEL_CODES:
        return None
    return {"level": score.level, "name": LEVEL_NAMES[score.level], "as_of": _day(score.as_of)}


def public_profile(
    org: Organization, as_of: dt.date | None = None, language: str | None = None
) -> dict[str, Any]:
    """Everything public about ``org`` on ``as_of`` (see the module docstring for the shape)."""
    as_of = as_of or clock.today()
    language = _lang(language)
    with translation.override(language):
        records, grade = _records(org, as_of, language)
        return {
            "schema": SCHEMA,
            "as_of": as_of.isoformat(),
            "organization": _organization(org, language),
            "persons": _persons(org, as_of, language),
            "registration_changes": _registration_changes(org, as_of),
            "evaluation_grade": grade,
            "records": records,
            "lists": _lists(org, as_of),
            "commitments": _commitments(org, as_of, language),
            "credit_level": _credit_level(org),
            "annual_work_reports": _annual_work_reports(org, language),
            "spot_checks": _spot_checks(org),
        }


def _spot_checks(org: Organization) -> list[dict[str, Any]]:
    """The organization's results in published spot-check plans (双随机、一公开), newest first: what the
    plan's public results page shows (no findings, no inspectors)."""
    return [
        {"year": c.plan.year, "plan": c.plan.title, "authority": c.plan.authority.name,
         "result": str(c.get_result_display()), "checked_on": _day(c.checked_on), "rectify_by": _day(c.rectify_by),
         "published_on": _day(c.plan.published_at.date()) if c.plan.published_at else None}
        for c in published_checks(org)
    ]  # fmt: skip


def _annual_work_reports(org: Organization, language: str) -> list[dict[str, Any]]:
    """The public part of the concluded annual work reports, texts scrubbed like every stored text."""
    reports = published_reports(org, language)
    for report in reports:
        for item in report["fields"]:
            item["value"] = scrub(item["value"])
    return reports


# --- search ---------------------------------------------------------------------------------------

PER_PAGE = 20
MAX_PAGE = 500
COUNT_CAP = 1000
"""A listing by filters alone is counted up to this many ("more than 1000")."""


@dataclass
class SearchResult:
    """One page of the portal's search."""

    query: str
    page: int
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: int | None = None
    """Exact number of matches; None when there are more than can be counted cheaply (``more``)."""
    more: bool = False
    has_next: bool = False
    errors: dict[str, str] = field(default_factory=dict)
    searched: bool = False
    """False when nothing was asked (no query, no filter): the page shows only the form."""

    @property
    def cap(self) -> int:
        """What "more than" counts up to (``more``): a text search's sorted candidates, or a filter's count."""
        return SEARCH_CAP if self.query else COUNT_CAP

    @property
    def total_text(self) -> str:
        if self.total is not None:
            return str(self.total)
        return _("more than %(n)s") % {"n": self.cap}


def levels_published() -> bool:
    """Whether any authority publishes credit levels (the search page offers the level filter)."""
    # a plain statement: the ORM's compilation of this one-row question was a tenth of a search page
    table = PublicationSetting._meta.db_table
    return bool(fetch_rows(f"SELECT 1 FROM {table} WHERE publish_credit_level LIMIT 1", []))  # noqa: S608 — a fixed name


def published_level_scope() -> Q | None:
    """Organizations whose authority publishes credit levels, approximately as ``level_published``
    decides it (the named authority, or a publishing civil-affairs department of a region above);
    None when no authority publishes levels."""
    settings = list(
        PublicationSetting.objects.filter(publish_credit_level=True).values_list(
            "department__name", "department__region__path"
        )
    )
    if not settings:
        return None
    q = Q(registration_authority__in=[name for name, _p in settings])
    for _name, path in settings:
        q |= Q(region__path__startswith=path)
    return q


def public_search(
    query: str | None,
    *,
    org_type: str = "",
    org_field: str = "",
    region: str = "",
    level: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
    language: str | None = None,
    any_levels_published: bool | None = None,
) -> SearchResult:
    """The portal's search: ``query`` is any part of a name or former name (two characters such as
    养老 included), or the whole or part of a 统一社会信用代码 (``registry.search``); filters by type,
    field, region (by name or code: that region and below) and credit level (only among the
    organizations whose authority publishes levels). Bad input never raises: ``errors`` says, by
    field, what cannot be searched (too long, unknown region, unknown value). ``any_levels_published``:
    `levels_published` when the caller has read it already."""
    language = _lang(language)
    q = normalise(query)
    result = SearchResult(query=q, page=max(1, min(page, MAX_PAGE)))
    if len(q) > MAX_QUERY:
        result.errors["q"] = _("The search text is too long: at most %(n)s characters.") % {"n": MAX_QUERY}
    qs = Organization.objects.all()
    if org_type:
        if org_type not in {m.value for m in OrgType}:
            result.errors["org_type"] = _("Unknown organization type.")
        qs = qs.filter(org_type=org_type)
    if org_field:
        if org_field not in {m.value for m in OrgField}:
            result.errors["field"] = _("Unknown field.")
        qs = qs.filter(field=org_field)
    region_path = ""
    if region:
        try:
            found = resolve_region(region[:200], None)
        except ValidationError as exc:
            result.errors["region"] = " ".join(str(m) for m in exc.messages)
        else:
            region_path = found.path
            qs = qs.filter(region__path__startswith=found.path)
    if level:
        scope = published_level_scope()
        if level not in LEVEL_CODES:
            result.errors["level"] = _("Unknown credit level.")
        elif scope is None:
            qs = qs.none()
        else:
            qs = qs.filter(scope, credit__level=level)
    if result.errors:
        return result
    if not (q or org_type or org_field or region or level):
        return result
    result.searched = True
    start = (result.page - 1) * per_page
    rows: list[_Found] | None = None
    if q:
        cache: dict[Any, list[int]] = {}
        if ONE_STATEMENT and connection.vendor == "sqlite" and not level:
            found_page = _page_in_one_statement(q, cache, org_type=org_type, org_field=org_field,
                                                region_path=region_path, start=start, limit=per_page + 1)  # fmt: skip
            if found_page is not None:
                rows, result.total = found_page
        if rows is None:
            found_qs = registry_search.search(qs, q, cap=SEARCH_CAP, cache=cache)
            result.total = registry_search.match_count(found_qs, q, cap=SEARCH_CAP, cache=cache)
            if result.total is None:
                rows = _exact_names_first(qs, found_qs, q, start, per_page + 1)
        result.more = result.total is None
    else:
        found_qs = qs.order_by("name_sort", "name", "pk")
        n = found_qs[: COUNT_CAP + 1].count()
        result.total = n if n <= COUNT_CAP else None
        result.more = n > COUNT_CAP
    if rows is None:
        rows = [_Found(*r) for r in found_qs.values_list(*_FOUND_FIELDS)[start : start + per_page + 1]]
    result.has_next = len(rows) > per_page
    rows = rows[:per_page]
    names = region_names(sorted({o.path for o in rows}), language)
    scope_known = levels_published() if any_levels_published is None else any_levels_published
    levels: dict[int, str] = {}
    if scope_known and rows:
        orgs = Organization.objects.select_related("region").filter(pk__in=[o.pk for o in rows])
        published = [o for o in orgs if level_published(o)]
        levels = dict(
            Organization.objects.filter(pk__in=[o.pk for o in published], credit__isnull=False).values_list(
                "pk", "credit__level"
            )
        )
    result.rows = [
        {
            "code": o.code,
            "name": o.name,
            "former_names": [n for n in (o.former_names or "").splitlines() if n.strip()],
            "type": _label(OrgType, o.org_type, language),
            "field": _label(OrgField, o.field, language),
            "status": _label(OrgStatus, o.status, language),
            "region": names.get(o.path, ""),
            "credit_level": levels.get(o.pk),
        }
        for o in rows
    ]
    return result


SEARCH_CAP = 1000
"""A text search with at most this many candidates is sorted (relevance, then name) and counted
exactly; a broader one ("more than 1,000", as `COUNT_CAP` says of a filter alone) shows the
organizations named exactly as the query first, then the other matches in the order they were
registered (`registry.search`'s walk). The staff list sorts up to `registry.search.CANDIDATE_CAP`:
on the portal, the busiest page, sorting 1,000–2,000 candidates was most of the slowest searches'
time at a million organizations (bench/README.md, the portal's section)."""

EXACT_NAMES_MAX = 100
"""At most this many organizations of one exact name come first in a broad search (the rest are in
the walk, each once)."""


def _exact_names_first(
    scoped: QuerySet[Organization], walked: QuerySet[Organization], q: str, start: int, limit: int
) -> list[_Found]:
    """A page of a broad search (``walked``: `registry.search`'s walk of ``scoped`` under ``q``): the
    organizations of ``scoped`` named exactly ``q`` first, as a sorted search ranks them, then the
    walk without them. The exact names come from the name's index (a few rows), so the page costs
    the walk's few rows still."""
    # sorted here, not by ORDER BY: SQLite would walk the whole sort-key index to avoid sorting a few rows
    named = scoped.filter(name=q).order_by().values_list(*_FOUND_FIELDS, "name_sort")[:EXACT_NAMES_MAX]
    exact = [_Found(*r[:-1]) for r in sorted(named, key=lambda r: (r[-1], r[2], r[0]))]
    head = exact[start : start + limit]
    if len(head) == limit:
        return head
    rest = walked.exclude(pk__in=[o.pk for o in exact]) if exact else walked
    offset = max(0, start - len(exact))
    return head + [_Found(*r) for r in rest.values_list(*_FOUND_FIELDS)[offset : offset + limit - len(head)]]


ONE_STATEMENT = True
"""On SQLite, a page of a search by text comes from one plain statement (``_page_in_one_statement``);
tests turn it off to compare it with the ORM's query."""


class _Found(NamedTuple):
    pk: int
    code: str
    name: str
    former_names: str
    org_type: str
    field: str
    status: str
    path: str


_FOUND_FIELDS = ("pk", "code", "name", "former_names", "org_type", "field", "status", "region__path")


_PAGE_SQL = (
    # the candidates are ordered (and, under a filter, counted) on narrow rows (id and sort keys), and only
    # the page's rows are read whole: sorting every candidate's whole row was a third of the statement at 2,000
    "SELECT o.id, o.code, o.name, o.former_names, o.org_type, o.field, o.status, r.path, page.total FROM ("
    " SELECT o.id AS id, {order} AS rank, o.name_sort AS name_sort, o.name AS name, {total} AS total"
    # the candidates joined as the JSON array lists them (each once), not `IN`, which sorts them into an
    # index first
    " FROM json_each(%s) c JOIN {organizations} o ON o.id = c.value WHERE {where}"
    " ORDER BY rank, name_sort, name, id LIMIT %s OFFSET %s) page"
    " JOIN {organizations} o ON o.id = page.id JOIN {regions} r ON r.id = o.region_id"
    " ORDER BY page.rank, page.name_sort, page.name, page.id"
)


def _page_in_one_statement(
    q: str,
    cache: dict[Any, list[int]],
    *,
    org_type: str,
    org_field: str,
    region_path: str,
    start: int,
    limit: int,
) -> tuple[list[_Found], int] | None:
    """A page of the search for ``q`` (normalised) on SQLite and the number of matches, in one
    statement: the candidates the index offers (exact on SQLite), the filters, the relevance order
    of ``registry.search``; the total is the candidates' number, or ``COUNT(*) OVER ()`` under a
    filter. It replaces two ORM queries (the page and its count), whose compilation cost more than
    their reads (about 2.5 of 4 ms at 1,000,000 organizations). None for a broad query (more candidates than are sorted): the ORM's
    walk answers it."""
    n, ids = registry_search.candidates_json(q, cache, SEARCH_CAP)
    if n > SEARCH_CAP:
        return None
    if not n:
        return [], 0
    organizations, regions = Organization._meta.db_table, Region._meta.db_table
    order, params = registry_search.sqlite_relevance_sql("o.code", "o.name", q)
    where, where_params = [], []
    for column, value in (("o.org_type", org_type), ("o.field", org_field)):
        if value:
            where.append(f"{column} = %s")
            where_params.append(value)
    if region_path:
        where.append(f"o.region_id IN (SELECT id FROM {regions} WHERE substr(path, 1, %s) = %s)")  # noqa: S608 — a fixed name
        where_params += [len(region_path), region_path]
    condition = " AND ".join(where) or "1"
    # Without a filter every candidate is a match (SQLite's indexes answer the rule exactly), so the
    # total is the candidates' number; a window count would keep every candidate's row until the end,
    # which doubled the statement's time at 1,000–2,000 candidates.
    filtered = bool(where)
    total = "COUNT(*) OVER ()" if filtered else "%s"
    names = {"organizations": organizations, "regions": regions}
    sql = _PAGE_SQL.format(order=order, where=condition, total=total, **names)  # noqa: S608 — fixed SQL, values bound
    found = fetch_rows(sql, [*params, *([] if filtered else [n]), ids, *where_params, limit, start])
    if found:
        return [_Found(*r[:8]) for r in found], int(found[0][8])
    if not filtered:
        return [], n
    if start == 0:
        return [], 0
    joined = f"json_each(%s) c JOIN {organizations} o ON o.id = c.value"
    count = fetch_rows(f"SELECT COUNT(*) FROM {joined} WHERE {condition}", [ids, *where_params])  # noqa: S608 — as above
    return [], int(count[0][0])
