"""Which policy profile applies (适用的政策参数): by the date and the region of the deciding authority.

A locality (地方) is the prefix of its profiles' version names (``xinzheng`` of
``xinzheng-2019.1``). The national line (``national-…``) states every parameter in every version.
A locality's file states only what its own rule changes, names its ``parent`` locality and the
``regions`` it governs::

    [meta]
    version = "xinzheng-2019.1"
    effective_from = 2019-07-15
    parent = "national"
    regions = ["410184"]          # 新郑市 and everything below it

Selection for (date, region) walks the region's ancestors, nearest first (county → city →
province → nation), and takes the nearest locality that governs one of them; a region no locality
governs gets the national profile. The locality's version in force on the date is laid over its
parent's profile *in force on the same date*, resolved again up to the national line, so a national
revision reaches 新郑 on its own date for every parameter 新郑 does not state. (``extends`` names a
fixed version instead, copied at load: the national line uses it for a revision that changes a few
values of a complete snapshot.)

There is no silent fallback: a date on which the governing locality, or any profile it rests on,
has no version in force raises ``NoProfile`` naming the locality, the date and the region.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from socredit.core.config import ConfigError, Document, Library
from socredit.core.policy_parameters import PARAMETERS
from socredit.core.regions import NATIONAL_CODE, parent_code

if TYPE_CHECKING:
    from socredit.core.policy import Parameter, PolicyProfile

NATIONAL = "national"
"""The national line: complete profiles, the root every locality rests on."""

LOCALITY_NAMES = {NATIONAL: "全国", "xinzheng": "新郑市", "quzhou": "衢州市"}
"""Display names of the shipped localities (others show their prefix)."""


class NoProfile(KeyError):
    """No profile in force for a locality (or a region it governs) on a date; the message names both."""

    def __init__(self, message: str, *, locality: str, day: dt.date, region: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.locality = locality
        self.day = day
        self.region = region

    def __str__(self) -> str:
        return self.message


def locality_name(locality: str) -> str:
    return LOCALITY_NAMES.get(locality, locality)


def region_chain(region: str) -> tuple[str, ...]:
    """The codes of a region and of every region above it, nearest first.

    ``region`` is a 6-digit GB/T 2260 code ("410184" → 410184, 410100, 410000, 100000) or a
    materialized path ("/100000/410000/410100/410184/", as ``Region.path`` stores it, which is
    exact also for counties directly under a province)."""
    if region.startswith("/"):
        codes = [c for c in region.split("/") if c]
        if not codes or not all(len(c) == 6 and c.isdigit() for c in codes):
            raise ValueError(f"区划路径无效：{region!r}")
        chain = list(reversed(codes))
    else:
        chain = []
        code: str | None = region
        while code is not None:
            chain.append(code)
            code = parent_code(code)  # ValueError for a malformed code
    if chain[-1] != NATIONAL_CODE:
        chain.append(NATIONAL_CODE)
    return tuple(chain)


# --- the library as localities --------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """The versions of one locality, oldest first."""

    locality: str
    versions: tuple[PolicyProfile, ...]

    def in_force(self, day: dt.date) -> PolicyProfile | None:
        found = None
        for profile in self.versions:
            if profile.effective_from <= day:
                found = profile
        return found

    def until(self, profile: PolicyProfile) -> dt.date | None:
        """The last day ``profile`` is in force (None: still in force)."""
        later = [p.effective_from for p in self.versions if p.effective_from > profile.effective_from]
        return min(later) - dt.timedelta(days=1) if later else None

    @property
    def governs(self) -> frozenset[str]:
        """Every region code any version of this locality claims."""
        return frozenset(code for p in self.versions for code in p.regions)


def _lines(profiles: Iterable[PolicyProfile]) -> dict[str, Line]:
    by_locality: dict[str, list[PolicyProfile]] = {}
    for profile in profiles:
        by_locality.setdefault(profile.locality, []).append(profile)
    return {
        name: Line(name, tuple(sorted(versions, key=lambda p: (p.effective_from, p.version))))
        for name, versions in by_locality.items()
    }


_LINES: WeakKeyDictionary[Library[PolicyProfile], tuple[int, dict[str, Line]]] = WeakKeyDictionary()


def lines_of(library: Library[PolicyProfile]) -> dict[str, Line]:
    """The library's versions grouped by locality (cached until a version is added)."""
    metas = library.versions()
    cached = _LINES.get(library)
    if cached is not None and cached[0] == len(metas):
        return cached[1]
    lines = _lines(library.get(m.version) for m in metas)
    _LINES[library] = (len(metas), lines)
    return lines


def _library(library: Library[PolicyProfile] | None) -> Library[PolicyProfile]:
    if library is not None:
        return library
    from socredit.core.policy import shipped_profiles

    return shipped_profiles()


# --- combining a locality with its parents --------------------------------------------------------


def combine(local: PolicyProfile, base: PolicyProfile) -> PolicyProfile:
    """``local``'s own parameters over ``base`` (its parent's profile on some date), checked as a whole.

    ConfigError (naming both versions) if a required parameter is missing or a relation between
    parameters fails in the combination, e.g. 新郑's objection steps over a national total."""
    from socredit.core.policy import _cross_check

    parameters: dict[str, Parameter] = dict(base.parameters)
    parameters.update(local.parameters)
    version = f"{local.version}+{base.version}"

    def fail(message: str, key: str) -> ConfigError:
        return ConfigError(f"{local.version} 与上级配置 {base.version} 合并后：{message}", source=version)

    for key, spec in PARAMETERS.items():
        if spec.required and key not in parameters:
            raise fail(f"缺少必需的参数 {key}（{spec.description}）", key)
    _cross_check(parameters, fail)
    return replace(
        local,
        version=version,
        effective_from=max(local.effective_from, base.effective_from),
        extends=base.version,
        parameters=MappingProxyType({key: parameters[key] for key in PARAMETERS if key in parameters}),
        chain=(*local.chain, *base.chain),
    )


_COMBINED: WeakKeyDictionary[Library[PolicyProfile], dict[tuple[str, ...], PolicyProfile]] = (
    WeakKeyDictionary()
)


def _resolve(
    lines: Mapping[str, Line],
    profile: PolicyProfile,
    day: dt.date,
    region: str | None,
    seen: tuple[str, ...] = (),
) -> list[PolicyProfile]:
    """``profile`` and the parent versions in force on ``day`` it rests on, nearest first."""
    if profile.parent is None:
        return [profile]
    if profile.parent in seen or profile.parent == profile.locality:
        raise ConfigError(f"地方配置的上级形成循环：{' → '.join((*seen, profile.locality, profile.parent))}")
    line = lines.get(profile.parent)
    if line is None:
        raise ConfigError(
            f"{profile.version} 的上级 “{profile.parent}” 没有任何配置版本", source=profile.version
        )
    parent = line.in_force(day)
    if parent is None:
        where = f"（区划 {region}）" if region else ""
        raise NoProfile(
            f"{locality_name(profile.locality)}（{profile.version}）的上级"
            f"{locality_name(profile.parent)}在 {day.isoformat()} 没有施行中的政策参数{where}"
            f"：最早的版本 {line.versions[0].version} 自 {line.versions[0].effective_from.isoformat()} 起施行",
            locality=profile.parent,
            day=day,
            region=region,
        )
    return [profile, *_resolve(lines, parent, day, region, (*seen, profile.locality))]


def _combined(library: Library[PolicyProfile], chain: Sequence[PolicyProfile]) -> PolicyProfile:
    if len(chain) == 1:
        return chain[0]
    cache = _COMBINED.setdefault(library, {})
    key = tuple(p.version for p in chain)
    if key not in cache:
        cache[key] = combine(chain[0], _combined(library, chain[1:]))
    return cache[key]


def locality_profile(
    day: dt.date, locality: str = NATIONAL, *, library: Library[PolicyProfile] | None = None
) -> PolicyProfile:
    """The profile of ``locality`` in force on ``day``, combined with its parents in force then.

    NoProfile (a KeyError) naming the locality and the date when the locality, or a parent, has
    no version in force on that day, or the locality is unknown."""
    lib = _library(library)
    lines = lines_of(lib)
    line = lines.get(locality)
    if line is None:
        raise NoProfile(f"没有地方 “{locality}” 的政策参数", locality=locality, day=day)
    profile = line.in_force(day)
    if profile is None:
        raise NoProfile(
            f"{locality_name(locality)}在 {day.isoformat()} 没有施行中的政策参数：最早的版本 "
            f"{line.versions[0].version} 自 {line.versions[0].effective_from.isoformat()} 起施行",
            locality=locality,
            day=day,
        )
    return _combined(lib, _resolve(lines, profile, day, None))


def governing_locality(region: str, *, library: Library[PolicyProfile] | None = None) -> tuple[str, str]:
    """(locality, governed code): the nearest locality whose profiles claim ``region`` or a region
    above it, with the code it claims; (``national``, 100000) when none does."""
    lines = lines_of(_library(library))
    for code in region_chain(region):
        for name, line in lines.items():
            if name != NATIONAL and code in line.governs:
                return name, code
    return NATIONAL, NATIONAL_CODE


def profile_in_force(
    day: dt.date, region: str | None = None, *, library: Library[PolicyProfile] | None = None
) -> PolicyProfile:
    """The profile that governs a decision on ``day`` by an authority of ``region`` (a code or a
    ``Region.path``; None: national).

    The nearest locality governing the region or a region above it applies, combined with its
    parents in force on ``day``. NoProfile names the locality, the date and the region when that
    locality has no version in force on ``day`` — there is no fallback to the national profile,
    because the locality's own rule would be silently ignored."""
    lib = _library(library)
    if region is None:
        return locality_profile(day, NATIONAL, library=lib)
    lines = lines_of(lib)
    for code in region_chain(region):
        for name, line in lines.items():
            if name == NATIONAL or code not in line.governs:
                continue
            profile = line.in_force(day)
            if profile is None:
                raise NoProfile(
                    f"区划 {code} 由{locality_name(name)}的政策参数管辖，但{locality_name(name)}在 "
                    f"{day.isoformat()} 没有施行中的版本：最早的版本 {line.versions[0].version} 自 "
                    f"{line.versions[0].effective_from.isoformat()} 起施行",
                    locality=name,
                    day=day,
                    region=code,
                )
            if code in profile.regions:
                return _combined(lib, _resolve(lines, profile, day, code))
            # the version in force no longer claims this region: a region above may be governed
    try:
        return locality_profile(day, NATIONAL, library=lib)
    except NoProfile as exc:
        raise NoProfile(f"{exc.message}（区划 {region_chain(region)[0]}）", locality=NATIONAL, day=day,
                        region=region_chain(region)[0]) from None  # fmt: skip


# --- checks and the governance table --------------------------------------------------------------


def check_library(
    library: Library[PolicyProfile], *, adding: PolicyProfile | None = None, document: Document | None = None
) -> None:
    """Refuse (ConfigError) a set of versions that cannot be selected from without ambiguity:
    two localities claiming one region, a locality with an unknown parent or a cycle of parents,
    a national version with a parent, and any combination of a locality version with a parent
    version it meets in time that misses a required parameter or breaks a relation between them."""
    profiles = [
        library.get(m.version) for m in library.versions() if adding is None or m.version != adding.version
    ]
    if adding is not None:
        profiles.append(adding)

    def fail(message: str) -> ConfigError:
        if document is not None:
            return document.error(message, "meta")
        return ConfigError(message)

    lines = _lines(profiles)
    if NATIONAL in lines and any(p.parent is not None for p in lines[NATIONAL].versions):
        raise fail("全国配置不能有 parent")
    claimed: dict[str, str] = {}
    for name, line in lines.items():
        for code in sorted(line.governs):
            other = claimed.setdefault(code, name)
            if other != name:
                raise fail(f"区划 {code} 同时由 “{other}” 和 “{name}” 的配置管辖")
    starts = sorted({p.effective_from for p in profiles})
    for line in lines.values():
        for profile in line.versions:
            if profile.parent is None:
                continue
            end = line.until(profile)
            days = [profile.effective_from] + [
                d for d in starts if profile.effective_from < d and (end is None or d <= end)
            ]
            for day in days:
                try:
                    chain = _resolve(lines, profile, day, None)
                except NoProfile:
                    continue  # a date before the parent's first version: an error when selected
                except ConfigError as exc:
                    raise fail(exc.message) from None
                try:
                    combined = chain[-1]
                    for local in reversed(chain[:-1]):
                        combined = combine(local, combined)
                except ConfigError as exc:
                    raise fail(exc.message) from None


@dataclass(frozen=True)
class Governance:
    """One version of a locality: the regions it governs and when (for the profile pages)."""

    locality: str
    locality_name: str
    version: str
    title: str
    effective_from: dt.date
    until: dt.date | None
    parent: str | None
    extends: str | None
    regions: tuple[str, ...]
    stated: tuple[str, ...]
    """The parameters the file states itself (a locality: only what it changes)."""


def governance(library: Library[PolicyProfile] | None = None) -> list[Governance]:
    """Every version with the regions it governs and its period, national first, then by locality."""
    lines = lines_of(_library(library))
    order = sorted(lines, key=lambda n: (n != NATIONAL, n))
    rows = []
    for name in order:
        line = lines[name]
        for p in line.versions:
            rows.append(
                Governance(
                    locality=name, locality_name=locality_name(name), version=p.version, title=p.title,
                    effective_from=p.effective_from, until=line.until(p), parent=p.parent, extends=p.extends,
                    regions=p.regions if name != NATIONAL else (NATIONAL_CODE,),
                    stated=tuple(k for k in p.stated_keys() if p.parameters[k].source_version == p.version),
                )
            )  # fmt: skip
    return rows


# --- what a page says about the rules applied -----------------------------------------------------


def rules_applied(
    versions: str, *, library: Library[PolicyProfile] | None = None
) -> list[tuple[str, dt.date | None]]:
    """The rules a decision or run applied, each as (locality, the day it took effect), in order and
    without repeats; a profile the library no longer knows is ("", None).

    ``versions`` is what a decision or run records: one version, a chain joined by ``+``, or several
    joined by ``; ``. Profile versions are the administrators' names (they stay on the profile pages);
    each is named here by its locality, from the profile's own title, and the day it took effect."""
    lib = _library(library)
    seen: list[tuple[str, dt.date | None]] = []
    for part in versions.replace("+", ";").split(";"):
        version = part.strip()
        if not version or version.startswith("…"):
            continue
        try:
            profile = lib.get(version)
        except KeyError:
            rule: tuple[str, dt.date | None] = ("", None)
        else:
            rule = (profile.title.split("政策参数", 1)[0] or profile.title, profile.effective_from)
        if rule not in seen:
            seen.append(rule)
    return seen


def rules_description(versions: str, *, library: Library[PolicyProfile] | None = None) -> str:
    """The rules a decision or run applied, as a Chinese text reads them (适用规则): ``新郑市规则（2019年7月15日
    起）、全国规则（2026年4月1日起）`` for ``xinzheng-2019.1+national-2026.1``; a profile removed since
    is "已停用的规则" (``rules_applied``)."""
    texts = [
        f"{place}规则（{day.year}年{day.month}月{day.day}日起）" if day else "已停用的规则"
        for place, day in rules_applied(versions, library=library)
    ]
    return "、".join(texts) or "—"
