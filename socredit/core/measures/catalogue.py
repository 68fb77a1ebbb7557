"""The measures catalogue (守信联合激励和失信联合惩戒措施清单) as a versioned, cited document.

Seed 004 §六(六) asks for a list of the joint reward and punishment measures, "逐步完善强制性措施和
推荐性措施", and rules.md R5.1 describes the national 基础清单 as rows of target, measure, legal
basis and implementing body in three groups. A catalogue is a TOML document of kind
``measures-catalogue`` (``core.config``: ``[meta]``, versions never edited in place, chosen by
date, errors with their line)::

    [[measure]]
    code = "P-SERIOUS-FUNDING"                 # unique in the catalogue, kept across versions
    kind = "punishment"                        # reward | punishment
    force = "recommended"                      # mandatory | recommended
    group = 1                                  # R5.1 group: 1 减损权益 2 管理措施 3 市场、行业、社会
    targets = ["organization"]                 # organization | legal_representative | responsible_person
    scenarios = ["financial_subsidy", "project_funding"]
    condition = { list = "serious" }           # see CONDITION_KEYS
    text = "不给予资金资助"
    text_en = "No financial support"
    department = "登记管理机关；财政部门"
    department_en = "Registration authority; finance departments"
    valid_from = 2018-01-24                    # optional, default: the catalogue's effective_from
    # valid_until = 2030-12-31                 # optional
    basis = [{ title = "社会组织信用信息管理办法", number = "民政部令第60号", article = "", item = "R1.15", tag = "SECONDARY" }]

``item`` (the rules.md item or seed section) and ``tag`` stay in code and on the catalogue's admin
pages; a reader sees the basis as 《title》（number）article.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from socredit.core.config import ConfigError, Document, Library
from socredit.core.types import Labelled

KIND = "measures-catalogue"


class MeasureKind(Labelled):
    """激励或惩戒."""

    REWARD = ("reward", "守信激励", "Reward")
    PUNISHMENT = ("punishment", "失信惩戒", "Punishment")


class MeasureForce(Labelled):
    """强制性或推荐性 (seed 004 §六(六))."""

    MANDATORY = ("mandatory", "强制性", "Mandatory")
    RECOMMENDED = ("recommended", "推荐性", "Recommended")


class Target(Labelled):
    """实施对象: the organization, or a person in a post of it (seed 004 §五(六))."""

    ORGANIZATION = ("organization", "社会组织", "Organization")
    LEGAL_REPRESENTATIVE = ("legal_representative", "法定代表人", "Legal representative")
    RESPONSIBLE_PERSON = ("responsible_person", "负责人", "Responsible person")


PERSON_TARGETS: Final = frozenset({Target.LEGAL_REPRESENTATIVE.code, Target.RESPONSIBLE_PERSON.code})


class Scenario(Labelled):
    """业务场景 — the matter a department is deciding when it checks a subject."""

    LICENSING = ("licensing", "行政许可", "Administrative licensing")
    GOVERNMENT_PURCHASE = ("government_purchase", "政府购买服务", "Government purchase of services")
    FINANCIAL_SUBSIDY = ("financial_subsidy", "财政资金补助", "Financial subsidies")
    PUBLIC_RESOURCE_TRADING = ("public_resource_trading", "公共资源交易", "Public resource trading")
    HONOURS = ("honours", "评先评优、表彰奖励", "Honours and awards")
    REGISTRATION = (
        "registration",
        "成立登记、负责人变更",
        "Registration of a new organization or change of responsible person",
    )
    SPOT_CHECK = ("spot_check", "抽查检查频次", "Spot-check frequency")
    ANNUAL_INSPECTION = ("annual_inspection", "年度检查", "Annual inspection")
    PROJECT_FUNDING = ("project_funding", "项目资助", "Project funding")
    OTHER = ("other", "其他事项", "Other matters")


SCENARIO_CODES: Final = tuple(s.code for s in Scenario)
LIST_CODES: Final = ("abnormal", "serious")
LEVEL_CODES: Final = ("A", "B", "C", "D")

CONDITION_KEYS: Final = {
    "list": "on the 活动异常名录 (abnormal) or the 严重违法失信名单 (serious) on the day",
    "red_list": "true: on the red list (守信红名单) on the day",
    "levels": "credit level among these (A/B/C/D)",
    "clean_years": "at least this many full years without a negative record and not listed",
    "green_channel": "true: eligible for the green channel (the profile's green_channel.clean_years)",
    "domains_at_least": "held by the blacklists of at least this many domains (民政 serious list counts)",
    "person_ban": "true: a person with a ban (从业禁止、任职限制) in force",
    "person_listed": "true: a person recorded against an organization's serious listing (失信惩戒落实到人)",
}
"""Every key a condition may state: all stated keys must hold (an empty condition always holds)."""


@dataclass(frozen=True)
class Basis:
    """法律、法规、政策依据 of a measure: the instrument, its number and article."""

    title: str
    number: str = ""
    article: str = ""
    item: str = ""
    """The rules.md item or seed section (internal)."""
    tag: str = ""
    """VERIFIED / SECONDARY / DRAFT-ONLY / UNVERIFIED (internal)."""

    @property
    def citation(self) -> str:
        """《title》（number）article — what a reader sees."""
        return f"《{self.title}》" + (f"（{self.number}）" if self.number else "") + self.article


@dataclass(frozen=True)
class Condition:
    """When a measure applies (all stated parts hold)."""

    list: str | None = None
    red_list: bool = False
    levels: tuple[str, ...] = ()
    clean_years: int | None = None
    green_channel: bool = False
    domains_at_least: int | None = None
    person_ban: bool = False
    person_listed: bool = False

    def describe(self, language: str = "zh-hans") -> str:
        """The condition in the reader's words."""
        en = language.startswith("en")
        parts: list[str] = []
        if self.list == "serious":
            parts.append("on the serious list" if en else "列入严重违法失信名单")
        elif self.list == "abnormal":
            parts.append("on the abnormal-activity list" if en else "列入活动异常名录")
        if self.red_list:
            parts.append("on the red list" if en else "列入守信红名单")
        if self.levels:
            joined = "/".join(self.levels)
            parts.append(f"credit level {joined}" if en else f"信用等级为{joined}")
        if self.clean_years is not None:
            n = self.clean_years
            parts.append(
                f"{n} consecutive years without a negative record" if en else f"连续{n}年无不良信用记录"
            )
        if self.green_channel:
            parts.append(
                "eligible for the green channel (consecutive years without a negative record)"
                if en
                else "符合绿色通道条件（连续无不良信用记录）"
            )
        if self.domains_at_least is not None:
            n = self.domains_at_least
            parts.append(
                f"on the blacklists of {n} or more domains" if en else f"同时被纳入{n}个及以上领域黑名单"
            )
        if self.person_ban:
            parts.append("a ban on the person in force" if en else "本人受从业禁止或任职限制")
        if self.person_listed:
            parts.append(
                "responsible for an organization on the serious list"
                if en
                else "系严重违法失信社会组织的法定代表人或负责人"
            )
        if not parts:
            return "any subject" if en else "所有主体"
        return "; ".join(parts) if en else "，".join(parts)


@dataclass(frozen=True)
class Measure:
    """One row of the catalogue (措施清单的一项)."""

    code: str
    kind: str
    force: str
    group: int
    targets: tuple[str, ...]
    scenarios: tuple[str, ...]
    condition: Condition
    text: str
    text_en: str
    department: str
    department_en: str
    basis: tuple[Basis, ...]
    valid_from: dt.date
    valid_until: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    @property
    def mandatory(self) -> bool:
        return self.force == str(MeasureForce.MANDATORY.code)

    def text_in(self, language: str) -> str:
        return self.text_en if language.startswith("en") and self.text_en else self.text

    def department_in(self, language: str) -> str:
        return self.department_en if language.startswith("en") and self.department_en else self.department

    @property
    def citations(self) -> str:
        """Every basis as a reader sees it, joined."""
        return "；".join(b.citation for b in self.basis)


@dataclass(frozen=True)
class MeasureCatalogue:
    """A version of the catalogue: its meta and its measures in document order."""

    version: str
    title: str
    effective_from: dt.date
    description: str
    measures: tuple[Measure, ...]
    title_en: str = ""

    def title_in(self, language: str) -> str:
        return self.title_en if language.startswith("en") and self.title_en else self.title

    def by_code(self) -> dict[str, Measure]:
        return {m.code: m for m in self.measures}


_MEASURE_KEYS: Final = frozenset(
    {"code", "kind", "force", "group", "targets", "scenarios", "condition", "text", "text_en",
     "department", "department_en", "basis", "valid_from", "valid_until"}
)  # fmt: skip
_BASIS_KEYS: Final = frozenset({"title", "number", "article", "item", "tag"})
_TAGS: Final = ("VERIFIED", "SECONDARY", "DRAFT-ONLY", "UNVERIFIED")


def _text(doc: Document, row: Mapping[str, Any], key: str, i: int, *, required: bool = True) -> str:
    value = row.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise doc.error(f"第{i + 1}项措施缺少 {key}（文字）", "measure", i, key)
    return value.strip()


def _date(doc: Document, row: Mapping[str, Any], key: str, i: int) -> dt.date | None:
    value = row.get(key)
    if value is None:
        return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise doc.error(f"第{i + 1}项措施的 {key} 必须是日期，如 2026-01-01", "measure", i, key)
    return value


def _choices(
    doc: Document, row: Mapping[str, Any], key: str, i: int, allowed: tuple[str, ...]
) -> tuple[str, ...]:
    value = row.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise doc.error(f"第{i + 1}项措施的 {key} 必须是非空的列表", "measure", i, key)
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise doc.error(
            f"第{i + 1}项措施的 {key} 中有未知的值：{'、'.join(unknown)}（可用：{'、'.join(allowed)}）",
            "measure", i, key,
        )  # fmt: skip
    if len(set(value)) != len(value):
        raise doc.error(f"第{i + 1}项措施的 {key} 中有重复的值", "measure", i, key)
    return tuple(value)


def _condition(doc: Document, raw: Any, i: int) -> Condition:
    if raw is None:
        return Condition()
    if not isinstance(raw, dict):
        raise doc.error(f"第{i + 1}项措施的 condition 必须是表", "measure", i, "condition")
    unknown = set(raw) - set(CONDITION_KEYS)
    if unknown:
        raise doc.error(
            f"第{i + 1}项措施的 condition 中有未知的键：{'、'.join(sorted(unknown))}",
            "measure",
            i,
            "condition",
        )

    def fail(message: str) -> ConfigError:
        return doc.error(f"第{i + 1}项措施的 condition：{message}", "measure", i, "condition")

    listed = raw.get("list")
    if listed is not None and listed not in LIST_CODES:
        raise fail(f"list 应为 {'、'.join(LIST_CODES)} 之一")
    levels = raw.get("levels", [])
    if not isinstance(levels, list) or any(v not in LEVEL_CODES for v in levels):
        raise fail("levels 应为 A、B、C、D 中的若干项")
    for key in ("red_list", "green_channel", "person_ban", "person_listed"):
        if key in raw and not isinstance(raw[key], bool):
            raise fail(f"{key} 应为 true 或 false")
    for key, low in (("clean_years", 1), ("domains_at_least", 1)):
        if key in raw and (
            not isinstance(raw[key], int) or isinstance(raw[key], bool) or not low <= raw[key] <= 50
        ):
            raise fail(f"{key} 应为 {low}–50 的整数")
    return Condition(
        list=listed, red_list=bool(raw.get("red_list", False)), levels=tuple(levels),
        clean_years=raw.get("clean_years"), green_channel=bool(raw.get("green_channel", False)),
        domains_at_least=raw.get("domains_at_least"), person_ban=bool(raw.get("person_ban", False)),
        person_listed=bool(raw.get("person_listed", False)),
    )  # fmt: skip


def _basis(doc: Document, raw: Any, i: int) -> tuple[Basis, ...]:
    if not isinstance(raw, list) or not raw:
        raise doc.error(f"第{i + 1}项措施缺少依据 basis（至少一项）", "measure", i, "basis")
    out = []
    for entry in raw:
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("title"), str)
            or not entry["title"].strip()
        ):
            raise doc.error(f"第{i + 1}项措施的依据须写明 title（文件名称）", "measure", i, "basis")
        unknown = set(entry) - _BASIS_KEYS
        if unknown:
            raise doc.error(
                f"第{i + 1}项措施的依据中有未知的键：{'、'.join(sorted(unknown))}", "measure", i, "basis"
            )
        tag = str(entry.get("tag", ""))
        if tag and tag not in _TAGS:
            raise doc.error(f"第{i + 1}项措施的依据 tag 应为 {'、'.join(_TAGS)} 之一", "measure", i, "basis")
        out.append(Basis(
            title=entry["title"].strip().strip("《》"), number=str(entry.get("number", "")).strip(),
            article=str(entry.get("article", "")).strip(), item=str(entry.get("item", "")).strip(), tag=tag,
        ))  # fmt: skip
    return tuple(out)


def build_catalogue(doc: Document) -> MeasureCatalogue:
    """Check a parsed document and build its catalogue; ConfigError with the line on anything wrong."""
    rows = doc.data.get("measure")
    if not isinstance(rows, list) or not rows:
        raise doc.error("清单中没有措施（[[measure]]）", "meta")
    unknown_top = set(doc.data) - {"meta", "measure"}
    if unknown_top:
        raise doc.error(f"未知的表：{'、'.join(sorted(unknown_top))}", sorted(unknown_top)[0])
    measures: list[Measure] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        unknown = set(row) - _MEASURE_KEYS
        if unknown:
            raise doc.error(
                f"第{i + 1}项措施中有未知的键：{'、'.join(sorted(unknown))}", "measure", i, sorted(unknown)[0]
            )
        code = _text(doc, row, "code", i)
        if code in seen:
            raise doc.error(f"措施代码 “{code}” 重复", "measure", i, "code")
        seen.add(code)
        kind = row.get("kind")
        if kind not in {k.code for k in MeasureKind}:
            raise doc.error(f"第{i + 1}项措施的 kind 应为 reward 或 punishment", "measure", i, "kind")
        force = row.get("force")
        if force not in {f.code for f in MeasureForce}:
            raise doc.error(f"第{i + 1}项措施的 force 应为 mandatory 或 recommended", "measure", i, "force")
        group = row.get("group")
        if group not in (1, 2, 3) or isinstance(group, bool):
            raise doc.error(f"第{i + 1}项措施的 group 应为 1、2 或 3", "measure", i, "group")
        valid_from = _date(doc, row, "valid_from", i) or doc.meta.effective_from
        valid_until = _date(doc, row, "valid_until", i)
        if valid_until is not None and valid_until < valid_from:
            raise doc.error(f"第{i + 1}项措施的 valid_until 早于 valid_from", "measure", i, "valid_until")
        condition = _condition(doc, row.get("condition"), i)
        targets = _choices(doc, row, "targets", i, tuple(t.code for t in Target))
        if (condition.person_ban or condition.person_listed) and not set(targets) & PERSON_TARGETS:
            raise doc.error(
                f"第{i + 1}项措施的条件针对个人，targets 须包含法定代表人或负责人", "measure", i, "targets"
            )
        measures.append(Measure(
            code=code, kind=kind, force=force, group=group, targets=targets,
            scenarios=_choices(doc, row, "scenarios", i, SCENARIO_CODES), condition=condition,
            text=_text(doc, row, "text", i), text_en=_text(doc, row, "text_en", i, required=False),
            department=_text(doc, row, "department", i),
            department_en=_text(doc, row, "department_en", i, required=False),
            basis=_basis(doc, row.get("basis"), i), valid_from=valid_from, valid_until=valid_until,
        ))  # fmt: skip
    return MeasureCatalogue(
        version=doc.meta.version, title=doc.meta.title, effective_from=doc.meta.effective_from,
        description=doc.meta.description, measures=tuple(measures),
        title_en=str(doc.data["meta"].get("title_en", "")).strip(),
    )  # fmt: skip


def catalogue_library() -> Library[MeasureCatalogue]:
    """A new library holding the shipped catalogues (add an authority's revisions with ``add_text``)."""
    library: Library[MeasureCatalogue] = Library(KIND, build_catalogue)
    library.add_package_files("socredit.core.measures", "catalogues")
    return library


@cache
def shipped_catalogues() -> Library[MeasureCatalogue]:
    """The shipped catalogues (cached; read-only use)."""
    return catalogue_library()
