"""双随机 — the stratified random draw of organizations, reproducible from a published seed.

Method ``socredit-srs-1`` (what anyone re-runs to audit a draw; docs/spot-checks.md):

1. Every organization in the frame gets the number ``H(purpose, code)``: the first 8 bytes, read as
   a big-endian integer, of SHA-256 over the UTF-8 text ``seed|purpose|code`` (``code`` its 统一社会
   信用代码). Ordering by that number is a uniformly random permutation that depends only on the
   seed; nothing else (database order, time, machine) enters.
2. The frame is split into strata by credit level, field and lists (``rates.stratum_key``); each
   stratum has a rate ``r`` and ``N`` members. It draws ``floor(r·N)`` members, plus one more when
   ``H("round", stratum)/2⁶⁴ < frac(r·N)``, so that the expected count is exactly ``r·N`` and every
   member's chance is ``r``. Members are taken in ``H("draw", code)`` order, skipping those exempt
   as recently checked.
3. If the total falls short of the legal floor ``ceil(min_ratio · frame size)``, the rest is taken
   from the organizations not yet drawn in ``H("floor", code)`` order, exempt ones last.
4. ``ceil(onsite_ratio · frame size)`` of the drawn (at most all) are checked on site, in
   ``H("onsite", code)`` order; the others in writing.

The frame (codes, levels, fields, lists, exemptions) is published as its SHA-256 digest together
with the seed and the rates before the draw; the audit recomputes the digest and the draw.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from socredit.core.sampling.rates import SamplingRates, stratum_key, subject_rate

METHOD = "socredit-srs-1"
"""The name of the method above; a changed method gets a new name and the old one stays auditable."""

_SCALE = float(1 << 64)
_EPS = 1e-9


class DrawError(ValueError):
    """The draw cannot be made from this frame (empty, duplicate codes)."""


def seed_key(seed: str, purpose: str, code: str) -> int:
    """H(purpose, code) of the method: SHA-256 of ``seed|purpose|code``, first 8 bytes big-endian."""
    digest = hashlib.sha256(f"{seed}|{purpose}|{code}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def seed_keys(seed: str, purpose: str, codes: Iterable[str]) -> list[int]:
    """``seed_key`` of many codes at once (the same numbers: a hasher primed with the prefix)."""
    prefix = hashlib.sha256(f"{seed}|{purpose}|".encode())
    out: list[int] = []
    for code in codes:
        h = prefix.copy()
        h.update(code.encode())
        out.append(int.from_bytes(h.digest()[:8], "big"))
    return out


@dataclass(frozen=True, slots=True)
class Subject:
    """One organization of the frame (检查对象名录库) as the draw sees it."""

    code: str
    level: str = ""
    """Credit level A–D, "" when not rated."""
    field: str = ""
    lists: frozenset[str] = frozenset()
    """"abnormal", "serious", "red": the lists it is on at the plan's date."""
    recently_checked: bool = False
    """Checked in a regular plan within the exemption years (R4.x silent: design default)."""

    @property
    def stratum(self) -> str:
        return stratum_key(self.level, self.field, self.lists)

    @property
    def exempt(self) -> bool:
        """Recently checked and on neither list of 失信 (a listed organization is checked more often)."""
        return self.recently_checked and not (self.lists & {"abnormal", "serious"})


@dataclass(frozen=True, slots=True)
class StratumOutcome:
    key: str
    rate: float
    size: int
    expected: float
    drawn: int
    exempt: int


@dataclass(frozen=True, slots=True)
class Selection:
    code: str
    stratum: str
    onsite: bool
    reason: str
    """"stratum" (drawn at its stratum's rate) or "floor" (added to reach the legal floor)."""
    order: int
    """Position in the draw (1 = first drawn)."""


@dataclass(frozen=True, slots=True)
class DrawResult:
    method: str
    seed: str
    frame_size: int
    required: int
    """The legal floor as a count."""
    strata: tuple[StratumOutcome, ...]
    selections: tuple[Selection, ...]

    @property
    def codes(self) -> list[str]:
        return [s.code for s in self.selections]

    @property
    def onsite_count(self) -> int:
        return sum(1 for s in self.selections if s.onsite)


def frame_text(frame: Iterable[Subject]) -> str:
    """The frame as published text: one line per organization in code order,
    ``code|level|field|lists|recently_checked``."""
    lines = [
        f"{s.code}|{s.level}|{s.field}|{'+'.join(sorted(s.lists))}|{int(s.recently_checked)}"
        for s in sorted(frame, key=lambda s: s.code)
    ]
    return "\n".join(lines) + ("\n" if lines else "")


def frame_from_text(text: str) -> list[Subject]:
    """The frame back from ``frame_text`` (what the audit reads); ValueError on a malformed line."""
    out: list[Subject] = []
    for n, line in enumerate(text.splitlines(), 1):
        parts = line.split("|")
        if len(parts) != 5 or parts[4] not in {"0", "1"}:
            raise ValueError(f"名录库第{n}行格式不正确：{line!r}")
        code, level, field_, lists, recent = parts
        out.append(Subject(code, level, field_, frozenset(x for x in lists.split("+") if x), recent == "1"))
    return out


def frame_digest(frame: Iterable[Subject]) -> str:
    """SHA-256 (hex) of ``frame_text``: published before the draw, recomputed by the audit."""
    return hashlib.sha256(frame_text(frame).encode()).hexdigest()


def _at_least(ratio: float, size: int) -> int:
    return min(size, math.ceil(ratio * size - _EPS)) if ratio > 0 else 0


def draw(
    frame: Sequence[Subject],
    rates: SamplingRates,
    seed: str,
    *,
    min_ratio: float = 0.0,
    onsite_ratio: float = 0.0,
) -> DrawResult:
    """Draw from ``frame`` by the method above; the same arguments give the same result."""
    if not seed:
        raise DrawError("随机种子不能为空")
    if not frame:
        raise DrawError("抽查范围内没有社会组织")
    seen: set[str] = set()
    for s in frame:
        if s.code in seen:
            raise DrawError(f"名录库中统一社会信用代码重复：{s.code}")
        seen.add(s.code)

    keyed = seed_keys(seed, "draw", [s.code for s in frame])
    strata: dict[tuple[str, frozenset[str], str], list[tuple[int, str, Subject]]] = defaultdict(list)
    for s, k in zip(frame, keyed, strict=True):
        strata[(s.level, s.lists, s.field)].append((k, s.code, s))
    named = {stratum_key(level, field_, lists): k for k in strata for level, lists, field_ in (k,)}

    chosen: dict[str, Selection] = {}
    outcomes: list[StratumOutcome] = []
    order = 0
    for key in sorted(named):
        level, lists, field_ = named[key]
        members = strata[named[key]]
        members.sort()  # by H("draw", code), then code (codes are unique: subjects are never compared)
        rate = subject_rate(level, field_, lists, rates)
        expected = rate * len(members)
        whole = math.floor(expected + _EPS)
        fraction = expected - whole
        n = whole + (1 if fraction > _EPS and seed_key(seed, "round", key) / _SCALE < fraction else 0)
        listed = bool(lists & {"abnormal", "serious"})  # the same for the whole stratum
        exempt = 0 if listed else sum(1 for _, _, s in members if s.recently_checked)
        taken = 0
        for _, code, s in members:
            if taken >= n:
                break
            if s.recently_checked and not listed:
                continue
            order += 1
            taken += 1
            chosen[code] = Selection(code, key, False, "stratum", order)
        outcomes.append(StratumOutcome(key, rate, len(members), expected, taken, exempt))

    required = _at_least(min_ratio, len(frame))
    if len(chosen) < required:
        left = [s for s in frame if s.code not in chosen]
        floor_keys = seed_keys(seed, "floor", (s.code for s in left))
        rest = [
            s
            for _, _, _, s in sorted(
                ((s.exempt, k, s.code, s) for s, k in zip(left, floor_keys, strict=True)),
                key=lambda t: t[:3],
            )
        ]
        for s in rest[: required - len(chosen)]:
            order += 1
            chosen[s.code] = Selection(s.code, s.stratum, False, "floor", order)

    onsite_n = min(len(chosen), _at_least(onsite_ratio, len(frame)))
    onsite_keys = dict(zip(chosen, seed_keys(seed, "onsite", chosen), strict=True))
    onsite = set(sorted(chosen, key=lambda c: (onsite_keys[c], c))[:onsite_n])
    selections = tuple(
        Selection(s.code, s.stratum, s.code in onsite, s.reason, s.order)
        for s in sorted(chosen.values(), key=lambda s: s.order)
    )
    return DrawResult(METHOD, seed, len(frame), required, tuple(outcomes), selections)
