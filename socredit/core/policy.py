"""The legal policy profile (政策参数): every legal number the engines use, as checked data.

rules.md, "How to turn it into code": thresholds, windows, deadlines, tiers, publicity periods,
sampling minimums and retention periods are data, each with its rules.md item and its status tag.
A profile is a TOML document of kind ``policy-profile`` (see ``socredit.core.config``) whose every
parameter is an inline table under a dotted section::

    [lists.serious]
    fine_threshold_yuan = { value = 50000, item = "R1.6(5); R1.12(4)", tag = "SECONDARY", note = "…" }

The parameters that exist, their type and their range are declared here, in ``PARAMETERS``; a
document is refused, with the line of the mistake, when it has an unknown key, lacks a required
parameter, gives a value of the wrong type or out of range, or lacks ``item``/``tag``.

A profile that ``extends`` another states only what differs; every parameter remembers the
version whose file stated it (``Parameter.source_version``), so a decision cites the right text.
An authority may also adjust values at run time with ``with_overrides``; such a parameter carries
an ``Override`` record (who, why, the value it replaced).

The shipped profiles live in ``socredit/core/policies/``; ``docs/policy-profiles.md`` lists every
parameter with its value, item and tag.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from types import MappingProxyType
from typing import Any

from socredit.core.annualreports import formats
from socredit.core.config import ConfigError, Document, Library
from socredit.core.policy_parameters import (  # noqa: F401 — re-exported
    _DAYS,
    _ORDERED,
    _PARAM_KEYS,
    _SECTIONS,
    _TYPE_NAMES,
    _WD,
    DISHONESTY_CODES,
    GRADE_KINDS,
    LEVELS,
    LIST_FIELDS,
    PARAMETERS,
    TAG_NAMES,
    TAGS,
    ParameterSpec,
    ParamType,
    ParamValue,
    _p,
)


@dataclass(frozen=True)
class Override:
    """An authority's run-time adjustment of one parameter (``PolicyProfile.with_overrides``)."""

    authority: str
    reason: str
    replaced: ParamValue
    """The value the profile itself gives."""


@dataclass(frozen=True)
class Parameter:
    """One legal parameter with its basis: the value, the rules.md item, the tag and where it was stated."""

    key: str
    value: ParamValue
    item: str
    tag: str
    note: str
    source_version: str
    override: Override | None = None

    @property
    def description(self) -> str:
        return PARAMETERS[self.key].description

    @property
    def citation(self) -> str:
        """A one-line legal basis for a decision, e.g. ``R1.12(4)〔SECONDARY〕national-2026.1``."""
        text = f"{self.item}〔{self.tag}〕{self.source_version}"
        if self.override is not None:
            text += f"，经{self.override.authority}调整"
        return text


@dataclass(frozen=True)
class PolicyProfile:
    """A checked policy profile; look values up by dotted key."""

    version: str
    """The file's version; for a locality profile combined with its parents on a date, the chain
    from the locality up, e.g. ``xinzheng-2019.1+national-2026.1`` (what decisions record)."""
    title: str
    effective_from: dt.date
    description: str
    extends: str | None
    parameters: Mapping[str, Parameter] = field(repr=False)
    parent: str | None = None
    """The locality whose profile in force on each date supplies what this file does not state."""
    regions: tuple[str, ...] = ()
    """GB/T 2260 codes of the regions this locality governs (with the regions below them)."""
    chain: tuple[str, ...] = ()
    """The file versions combined into this profile, nearest locality first (one for a file)."""

    @property
    def locality(self) -> str:
        """The locality: the prefix of the version name (``xinzheng`` of ``xinzheng-2019.1``)."""
        return self.version.split("-", 1)[0]

    @property
    def partial(self) -> bool:
        """A locality file on its own: it states only what it changes and is used only combined
        with its parent's profile in force on a date (``socredit.core.policy_select``)."""
        return self.parent is not None and len(self.chain) <= 1

    def parameter(self, key: str) -> Parameter:
        """The parameter ``key`` with its basis; KeyError if unknown or not stated by this profile."""
        if key not in PARAMETERS:
            raise KeyError(f"unknown policy parameter {key!r}")
        try:
            return self.parameters[key]
        except KeyError:
            raise KeyError(f"policy profile {self.version} does not state {key!r}") from None

    def value(self, key: str) -> ParamValue:
        """The value of ``key``; KeyError if unknown or not stated (optional parameters)."""
        return self.parameter(key).value

    def has(self, key: str) -> bool:
        """Whether this profile states ``key`` (optional parameters may be absent)."""
        return key in self.parameters

    def get(self, key: str, default: ParamValue | None = None) -> ParamValue | None:
        """The value of ``key``, or ``default`` when this profile does not state it."""
        if key not in PARAMETERS:
            raise KeyError(f"unknown policy parameter {key!r}")
        parameter = self.parameters.get(key)
        return default if parameter is None else parameter.value

    # Typed accessors for strictly typed callers.
    def int_value(self, key: str) -> int:
        value = self.value(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"policy parameter {key!r} is not an integer")
        return value

    def float_value(self, key: str) -> float:
        value = self.value(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"policy parameter {key!r} is not a number")
        return float(value)

    def bool_value(self, key: str) -> bool:
        value = self.value(key)
        if not isinstance(value, bool):
            raise TypeError(f"policy parameter {key!r} is not a boolean")
        return value

    def str_value(self, key: str) -> str:
        value = self.value(key)
        if not isinstance(value, str):
            raise TypeError(f"policy parameter {key!r} is not text")
        return value

    def list_value(self, key: str) -> tuple[str, ...]:
        value = self.value(key)
        if not isinstance(value, tuple):
            raise TypeError(f"policy parameter {key!r} is not a list")
        return value

    def stated_keys(self) -> list[str]:
        """The keys this profile states, in registry order."""
        return [key for key in PARAMETERS if key in self.parameters]

    @property
    def overridden(self) -> list[str]:
        """Keys adjusted at run time by ``with_overrides``."""
        return [key for key in self.stated_keys() if self.parameters[key].override is not None]

    def with_overrides(
        self, overrides: Mapping[str, Any], *, authority: str = "登记管理机关", reason: str = ""
    ) -> PolicyProfile:
        """A copy with some values replaced by an authority, each recorded as an ``Override``.

        The values are checked as in a file (type, range, choices, order); ConfigError otherwise.
        Item and tag stay those of the profile: the legal basis is unchanged, the value is the
        authority's. Overriding an override keeps the profile's original as ``replaced``.
        """
        source = f"{self.version}（{authority}调整）"
        parameters = dict(self.parameters)
        for key, raw in overrides.items():
            spec = PARAMETERS.get(key)
            if spec is None:
                raise ConfigError(f"未知的参数 “{key}”", source=source)
            problem, value = _check_value(spec, raw)
            if problem:
                raise ConfigError(f"参数 {key} 的{problem}", source=source)
            current = parameters.get(key)
            if current is None:
                raise ConfigError(
                    f"配置 {self.version} 未规定参数 {key}（无法律依据可引用），请以继承的配置文件补充",
                    source=source,
                )
            original = current.override.replaced if current.override else current.value
            parameters[key] = replace(current, value=value, override=Override(authority, reason, original))

        def fail(message: str, key: str) -> ConfigError:
            return ConfigError(message, source=source)

        _cross_check(parameters, fail)
        return replace(self, parameters=MappingProxyType(parameters))

    def diff(self, other: PolicyProfile) -> list[str]:
        """Keys whose value differs between the two profiles (or that only one states), registry order."""
        return [
            key
            for key in PARAMETERS
            if (key in self.parameters) != (key in other.parameters)
            or (key in self.parameters and self.parameters[key].value != other.parameters[key].value)
        ]


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _check_value(spec: ParameterSpec, raw: Any) -> tuple[str, ParamValue]:
    """('', value) when ``raw`` fits ``spec``; else (problem, raw)."""
    kind = spec.type
    value: ParamValue
    if kind == "bool":
        if not isinstance(raw, bool):
            return f"value 应为{_TYPE_NAMES[kind]}", raw
        return "", raw
    if kind in ("int", "float"):
        if (
            isinstance(raw, bool)
            or not isinstance(raw, int | float)
            or (kind == "int" and isinstance(raw, float))
        ):
            return f"value 应为{_TYPE_NAMES[kind]}", raw
        value = float(raw) if kind == "float" else raw
        if spec.min is not None and value < spec.min or spec.max is not None and value > spec.max:
            low = "-∞" if spec.min is None else _number(spec.min)
            high = "∞" if spec.max is None else _number(spec.max)
            return f"value {raw} 超出允许范围 [{low}, {high}]", raw
        return "", value
    if kind == "str":
        if not isinstance(raw, str) or not raw.strip():
            return f"value 应为{_TYPE_NAMES[kind]}", raw
        if spec.choices and raw not in spec.choices:
            return f"value “{raw}” 不在可选值中：{'、'.join(spec.choices)}", raw
        return "", raw
    if not isinstance(raw, list | tuple) or not raw or not all(isinstance(x, str) for x in raw):
        return f"value 应为非空的{_TYPE_NAMES[kind]}", raw
    items: tuple[str, ...] = tuple(raw)
    if len(set(items)) != len(items):
        return "value 中有重复项", items
    bad = [x for x in items if spec.choices and x not in spec.choices]
    if bad:
        return f"value 中的 “{bad[0]}” 不在可选值中：{'、'.join(spec.choices)}", items
    return "", items


def _cross_check(parameters: Mapping[str, Parameter], fail: Callable[[str, str], ConfigError]) -> None:
    """Relations between parameters: min ≤ max pairs, objection steps within the total, tiers order."""
    for low, high in _ORDERED:
        if low in parameters and high in parameters:
            a, b = parameters[low].value, parameters[high].value
            assert isinstance(a, int | float) and isinstance(b, int | float)  # noqa: S101 — guaranteed by the registry
            if a > b:
                raise fail(f"{low}（{a}）不应大于 {high}（{b}）", high)
    steps = (
        "objection.forward_working_days",
        "objection.verify_working_days",
        "objection.notify_working_days",
    )
    if all(k in parameters for k in steps) and "objection.total_working_days" in parameters:
        values = [parameters[k].value for k in (*steps, "objection.total_working_days")]
        numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
        assert len(numbers) == 4  # noqa: S101 — guaranteed by the registry
        total = sum(numbers[:3])
        if total > numbers[3]:
            raise fail(
                f"异议转交、核实、通知期限之和（{total}）超过总期限 objection.total_working_days",
                "objection.total_working_days",
            )
    for key, parameter in parameters.items():
        problem = _annual_report_format(key, parameter.value)
        if problem:
            raise fail(f"{key} 的值{problem}", key)
    if "dishonesty.tiers" in parameters:
        tiers = parameters["dishonesty.tiers"].value
        assert isinstance(tiers, tuple)  # noqa: S101 — guaranteed by the registry
        if list(tiers) != sorted(tiers, key=DISHONESTY_CODES.index):
            raise fail("dishonesty.tiers 须由轻到重排列", "dishonesty.tiers")


def _annual_report_format(key: str, value: ParamValue) -> str:
    """'' when an annual-report parameter written as text is well formed, else the problem."""
    try:
        if key.startswith("annual_report.deadline_") and isinstance(value, str):
            formats.parse_month_day(value)
        elif key.startswith("annual_report_checks.charity_public_") and isinstance(value, str):
            formats.parse_ratio_pair(value)
        elif key.startswith("annual_report_checks.charity_bands_") and isinstance(value, tuple):
            formats.parse_bands(value)
    except ValueError as exc:
        return f"有误：{exc}"
    return ""


def _walk(doc: Document, table: Mapping[str, Any], prefix: tuple[str, ...]) -> Iterable[tuple[str, Any]]:
    """(dotted key, raw parameter table) for every parameter; ConfigError on unknown keys and non-tables."""
    for name, raw in table.items():
        path = (*prefix, name)
        key = ".".join(path)
        if key in PARAMETERS:
            yield key, raw
        elif key in _SECTIONS:
            if not isinstance(raw, Mapping):
                raise doc.error(f"“{key}” 应为一个表（[{key}]）", *path)
            yield from _walk(doc, raw, path)
        else:
            raise doc.error(f"未知的参数 “{key}”（见 socredit/core/policy.py 的 PARAMETERS）", *path)


def _parameter(doc: Document, key: str, raw: Any) -> Parameter:
    path = tuple(key.split("."))
    spec = PARAMETERS[key]
    form = '{ value = …, item = "R…", tag = "VERIFIED|SECONDARY|DRAFT-ONLY|UNVERIFIED" }'
    if not isinstance(raw, Mapping):
        raise doc.error(f"参数 {key} 应写成内联表 {form}", *path)
    unknown = sorted(set(raw) - _PARAM_KEYS)
    if unknown:
        raise doc.error(
            f"参数 {key} 中有未知的键 “{unknown[0]}”（可用：value、item、tag、note）", *path, unknown[0]
        )
    if "value" not in raw:
        raise doc.error(f"参数 {key} 缺少 value", *path)
    problem, value = _check_value(spec, raw["value"])
    if problem:
        raise doc.error(f"参数 {key} 的{problem}", *path, "value")
    item = raw.get("item")
    if not isinstance(item, str) or not item.strip():
        raise doc.error(f"参数 {key} 缺少 item（rules.md 条目，如 “R1.12(4)”）", *path, "item")
    tag = raw.get("tag")
    if tag is None:
        raise doc.error(f"参数 {key} 缺少 tag（{'、'.join(TAGS)}）", *path, "tag")
    if tag not in TAGS:
        raise doc.error(f"参数 {key} 的 tag “{tag}” 无效，应为 {'、'.join(TAGS)} 之一", *path, "tag")
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise doc.error(f"参数 {key} 的 note 应为文本", *path, "note")
    return Parameter(key, value, item.strip(), tag, note.strip(), doc.meta.version)


def build_profile(doc: Document, *, resolve: Callable[[str], PolicyProfile] | None = None) -> PolicyProfile:
    """Check a parsed document and build the profile; ConfigError with the line on any mistake.

    The parameters are those the document's own text states, over those of the profile it
    ``extends`` (found through ``resolve``), which keep their own ``source_version``. A parameter
    table replaces the inherited one whole (item, tag and note do not leak from the base).

    A document with a ``parent`` is a locality's partial profile: its parameters are checked one by
    one and among themselves here; the required ones and the relations with the parent's values
    are checked when it is combined with each parent version (``policy_select.check_library``).
    """
    own = tomllib.loads(doc.text)  # the text parsed once already; re-read for what *this* file states
    own.pop("meta", None)
    parameters: dict[str, Parameter] = {}
    if doc.meta.extends is not None:
        if resolve is None:
            raise doc.error(f"无法解析所继承的版本 “{doc.meta.extends}”", "meta", "extends")
        parameters.update(resolve(doc.meta.extends).parameters)
    for key, raw in _walk(doc, own, ()):
        parameters[key] = _parameter(doc, key, raw)

    def fail(message: str, key: str) -> ConfigError:
        return doc.error(message, *key.split("."))

    unknown_regions = sorted(set(doc.meta.regions) - known_region_codes())
    if unknown_regions:
        raise doc.error(
            f"regions 中的 “{unknown_regions[0]}” 不是现行行政区划码（GB/T 2260）", "meta", "regions"
        )
    if doc.meta.regions and doc.meta.parent is None:
        raise doc.error(
            '规定 regions 的地方配置须以 parent 指明上级（如 parent = "national"）', "meta", "regions"
        )
    for key, spec in PARAMETERS.items():
        if doc.meta.parent is not None:
            break
        if spec.required and key not in parameters:
            parts = key.split(".")
            where = parts if doc.locator.line_of(*parts) is not None else ["meta"]
            raise doc.error(f"缺少必需的参数 {key}（{spec.description}）", *where)
    _cross_check(parameters, fail)
    ordered = {key: parameters[key] for key in PARAMETERS if key in parameters}
    return PolicyProfile(
        version=doc.meta.version,
        title=doc.meta.title,
        effective_from=doc.meta.effective_from,
        description=doc.meta.description,
        extends=doc.meta.extends,
        parameters=MappingProxyType(ordered),
        parent=doc.meta.parent,
        regions=doc.meta.regions,
        chain=(doc.meta.version,),
    )


@cache
def known_region_codes() -> frozenset[str]:
    """The current GB/T 2260 codes (python-stdnum's list), to check a profile's ``regions``."""
    from socredit.core.regions import stdnum_regions

    return frozenset(r.code for r in stdnum_regions() if r.active)


def policy_library() -> Library[PolicyProfile]:
    """A new library holding the shipped profiles (add an authority's own with ``add_text``).

    Files load in name order, so a profile must sort after the one it ``extends`` (a fixed
    version); a ``parent`` (a locality, bound by date) may load in any order. Every version added
    after loading is checked with the whole library (``policy_select.check_library``): the regions
    it claims, its parent, and every combination with the parent versions it meets.
    """
    from socredit.core.policy_select import check_library

    loading = True

    def build(doc: Document) -> PolicyProfile:
        profile = build_profile(doc, resolve=library.get)
        if not loading:
            check_library(library, adding=profile, document=doc)
        return profile

    library: Library[PolicyProfile] = Library("policy-profile", build)
    library.add_package_files("socredit.core", "policies")
    loading = False
    check_library(library)
    return library


@cache
def shipped_profiles() -> Library[PolicyProfile]:
    """The shipped profiles (cached; read-only use; build a ``policy_library()`` to add more)."""
    return policy_library()


def profile_for(
    date: dt.date, locality: str = "national", *, library: Library[PolicyProfile] | None = None
) -> PolicyProfile:
    """The profile of ``locality`` (the version-name prefix) in force on ``date``, combined with its
    parents' profiles in force on that date; ``policy_select.NoProfile`` (a KeyError) naming the
    locality and the date if there is none. Callers that know the deciding authority's region use
    ``policy_select.profile_in_force(date, region)`` instead."""
    from socredit.core.policy_select import locality_profile

    return locality_profile(date, locality, library=library)
