"""Reproducible demo city: organizations, persons, posts and ten years of credit records.

Pure Python (no Django): one `random.Random(seed)` drives everything, so the same seed and the
same `today` give the same data byte for byte, whatever the batch size. Rows are plain
NamedTuples; persons and organizations are referred to by their 0-based index in the stream
(the loader turns indices into primary keys), departments by their code.

Rates are per organization-year inside the ten-year window and are listed in `RATES`, so that
the tests and the README can quote them.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from socredit.apps.demo import names as N
from socredit.core.codes import make_id_number, make_social_org_code
from socredit.core.regions import RegionEntry, stdnum_regions
from socredit.core.types import DepartmentKind, OrgField, OrgStatus, OrgType, RegionLevel, RoleKind

DEFAULT_CITY = "410100"
WINDOW_YEARS = 10
TERM_YEARS = 5

# Per organization-year probabilities (inside the window, while the organization is active).
RATES: dict[str, float] = {
    "annual_report_late": 0.06,  # of due reports; the rest on time except…
    "annual_report_missing": 0.02,  # …these
    "annual_inspection": 0.75,  # of org-years with a report due: an inspection conclusion as well
    "annual_inspection_basic": 0.10,
    "annual_inspection_fail": 0.025,
    "spot_check": 0.06,
    "spot_check_rectify": 0.30,  # of spot checks
    "rectification_overdue": 0.12,  # of rectification orders
    "address_unreachable": 0.003,
    "complaint_verified": 0.004,
    "penalty_warning": 0.006,
    "penalty_fine": 0.003,
    "fine_large": 0.08,  # of fines: ≥ 50,000 yuan
    "penalty_confiscation": 0.0005,
    "change_registration": 0.10,
    "filing": 0.04,
    "commendation": 0.025,
    "commitment_signed": 0.12,
    "commitment_broken": 0.002,
    "government_purchase": 0.12,  # elder care, community and social work only
    "tax_arrears": 0.002,
    "market_penalty": 0.001,
    "dishonest_debtor": 0.0005,
}
STATUS_SHARES = ((OrgStatus.DEREGISTERED, 0.04), (OrgStatus.REVOKED, 0.012), (OrgStatus.SUSPENDED, 0.008))
CITY_LEVEL_SHARE = 0.08
EVALUATED_SHARE = 0.25
PARTY_ORG_SHARE = 0.35
SHARED_PERSON_SHARE = 0.08  # of director/supervisor posts: someone who already serves elsewhere


class Department(NamedTuple):
    code: str
    name: str
    kind: str
    region: str
    abbr: str
    """Prefix of its 文书号 (金民, 郑税…)."""


class Org(NamedTuple):
    index: int
    code: str
    name: str
    org_type: str
    region: str
    registration_authority: str
    supervisory_unit: str
    field: str
    registered_on: dt.date
    status: str
    address: str
    contact_person: str
    contact_phone: str


class Person(NamedTuple):
    index: int
    name: str
    id_number: str


class Role(NamedTuple):
    person: int
    org: int
    kind: str
    start_on: dt.date
    end_on: dt.date | None


class Record(NamedTuple):
    org: int
    kind: str
    occurred_on: dt.date
    decided_on: dt.date | None
    department: str
    document_number: str
    amount: Decimal | None
    summary: str
    persons: tuple[int, ...]


class Batch(NamedTuple):
    orgs: list[Org]
    persons: list[Person]
    roles: list[Role]
    records: list[Record]


@dataclass(frozen=True)
class CityLayout:
    city: RegionEntry
    districts: tuple[RegionEntry, ...]
    birth_regions: tuple[RegionEntry, ...]
    """Where demo persons were born: the city's districts and the cities of its province."""

    @property
    def code(self) -> str:
        return self.city.code

    def departments(self) -> list[Department]:
        """民政局 of the city and of each district, then the city's 税务局, 市场监管局, 财政局 and court."""
        c = self.city
        short = _abbr(c.code, c.name)
        out = [
            Department(
                f"mzj-{c.code}", f"{c.name}民政局", DepartmentKind.CIVIL_AFFAIRS.value, c.code, short + "民"
            )
        ]
        for d in self.districts:
            out.append(Department(f"mzj-{d.code}", f"{place_name(c, d)}民政局", DepartmentKind.CIVIL_AFFAIRS.value,
                                  d.code, _abbr(d.code, d.name) + "民"))  # fmt: skip
        court = f"（{{year}}）{N.PROVINCE_ABBR.get(c.code[:2], '')}{c.code[2:4]}执"
        out += [
            Department(
                f"sw-{c.code}", f"国家税务总局{c.name}税务局", DepartmentKind.TAX.value, c.code, short + "税"
            ),
            Department(
                f"scjg-{c.code}",
                f"{c.name}市场监督管理局",
                DepartmentKind.MARKET.value,
                c.code,
                short + "市监",
            ),
            Department(f"cz-{c.code}", f"{c.name}财政局", DepartmentKind.FINANCE.value, c.code, short + "财"),
            Department(f"fy-{c.code}", f"{c.name}中级人民法院", DepartmentKind.COURT.value, c.code, court),
        ]
        return out


def place_name(city: RegionEntry, region: RegionEntry) -> str:
    """How names begin: 郑州市 / 郑州市金水区 for urban districts / 新郑市, 中牟县 for counties and county-level cities."""
    if region.code == city.code:
        return city.name
    return region.name if region.name.endswith(("市", "县", "旗")) else city.name + region.name


def _abbr(code: str, name: str) -> str:
    return N.DISTRICT_ABBR.get(code) or name[0]


def city_layout(city: str = DEFAULT_CITY) -> CityLayout:
    """The city (a 地级 code, XXXX00) and its current districts/counties from python-stdnum's list."""
    entries = list(stdnum_regions())
    by_code = {e.code: e for e in entries}
    entry = by_code.get(city)
    if entry is None or entry.level is not RegionLevel.CITY or not entry.active:
        raise ValueError(f"{city} 不是现行的地级行政区划代码（应形如 410100）")
    districts = tuple(
        e for e in entries if e.parent_code == city and e.active and e.level is RegionLevel.DISTRICT
    )
    if not districts:
        raise ValueError(f"{entry.name}（{city}）没有下辖的县级行政区划")
    province_cities = tuple(
        e
        for e in entries
        if e.code[:2] == city[:2] and e.level is RegionLevel.CITY and e.active and e.since is None
    )
    return CityLayout(entry, districts, districts + province_cities)


# --- small helpers ------------------------------------------------------------------------------


def _rand_date(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return dt.date.fromordinal(rng.randint(lo.toordinal(), hi.toordinal()))


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


class _Weighted:
    """Fast weighted choice over a fixed table (bisect over cumulative weights)."""

    def __init__(self, items: Sequence[tuple[object, float]]) -> None:
        self.values = [v for v, _ in items]
        self.cum = list(itertools.accumulate(w for _, w in items))

    def __call__(self, rng: random.Random) -> object:
        return self.values[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


_SURNAME = _Weighted(N.SURNAMES)
_GRADES = _Weighted([("grade_3a", 50), ("grade_4a", 28), ("grade_5a", 8), ("grade_2a", 10), ("grade_1a", 4)])
_COMMENDATIONS = _Weighted(
    [("commendation_municipal", 70), ("commendation_provincial", 25), ("commendation_national", 5)]
)
# (org type, field, share of all organizations): ≈ 60 % service institutions, 35 % associations, 5 % foundations.
_KINDS = _Weighted([
    ((OrgType.SERVICE_INSTITUTION, OrgField.ELDER_CARE), 14),
    ((OrgType.SERVICE_INSTITUTION, OrgField.EDUCATION), 20),
    ((OrgType.SERVICE_INSTITUTION, OrgField.COMMUNITY), 12),
    ((OrgType.SERVICE_INSTITUTION, OrgField.SCIENCE), 4),
    ((OrgType.SERVICE_INSTITUTION, OrgField.OTHER), 10),
    ((OrgType.ASSOCIATION, OrgField.INDUSTRY), 11),
    ((OrgType.ASSOCIATION, OrgField.CULTURE_SPORTS), 13),
    ((OrgType.ASSOCIATION, OrgField.SCIENCE), 4),
    ((OrgType.ASSOCIATION, OrgField.OTHER), 7),
    ((OrgType.FOUNDATION, OrgField.CHARITY), 5),
])  # fmt: skip
_PURCHASING_FIELDS = {OrgField.ELDER_CARE.value, OrgField.COMMUNITY.value, OrgField.OTHER.value}


class DemoGenerator:
    """Streams the demo city in batches. Construct, then iterate `batches()` once."""

    def __init__(self, orgs: int, seed: int, *, today: dt.date, city: str = DEFAULT_CITY,
                 layout: CityLayout | None = None) -> None:  # fmt: skip
        if orgs < 0:
            raise ValueError("orgs must be ≥ 0")
        self.n = orgs
        self.today = today
        self.layout = layout or city_layout(city)
        self.rng = random.Random(seed)
        self.window_start = dt.date(today.year - WINDOW_YEARS + 1, 1, 1)
        self.departments = self.layout.departments()
        self._dept = {d.code: d for d in self.departments}
        c = self.layout.city
        self._city_dept = f"mzj-{c.code}"
        self._tax, self._market, self._finance, self._court = (
            f"{p}-{c.code}" for p in ("sw", "scjg", "cz", "fy")
        )
        weights = [(d, N.DISTRICT_WEIGHTS.get(d.code, 5)) for d in self.layout.districts]
        self._district = _Weighted(weights)
        # Registrations grow over time: year y weighs 1 + (y − 1995) / 4.
        self._reg_year = _Weighted([(y, 1 + (y - 1995) / 4) for y in range(1995, min(today.year, 2025) + 1)])
        self._serial: dict[tuple[str, str], int] = {}
        self._doc_no: dict[tuple[str, str, int], int] = {}
        self._id_seq: dict[int, int] = {}
        self._birth_index = {r.code: i for i, r in enumerate(self.layout.birth_regions)}
        self._org_people: dict[int, str] = {}
        self._names: set[str] = set()
        self._person_index = 0
        self._recent: deque[tuple[int, int, str]] = deque(maxlen=3000)  # (person index, birth year, name)

    # --- persons --------------------------------------------------------------------------------

    def _new_person(self, out: list[Person], start: dt.date) -> int:
        rng = self.rng
        male = rng.random() < 0.62
        chars = N.MALE_CHARS if male else N.FEMALE_CHARS
        given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.75 else "")
        name = str(_SURNAME(rng)) + given
        birth = _rand_date(rng, dt.date(start.year - 66, 1, 1), dt.date(start.year - 28, 12, 31))
        regions = [r for r in self.layout.birth_regions if r.since is None or r.since <= birth.year]
        region = rng.choice(regions).code
        key = (self._birth_index[region] * 1_000_000 + birth.toordinal()) * 2 + male
        k = self._id_seq.get(key, 0)
        self._id_seq[key] = k + 1
        if k >= 500:  # 500 men and 500 women per place and day: move to the next day
            return self._new_person(out, start)
        seq = 2 * k + 1 if male else 2 * k + 2
        idx = self._person_index
        self._person_index += 1
        out.append(Person(idx, name, make_id_number(region, birth, seq)))
        self._recent.append((idx, birth.year, name))
        self._org_people[idx] = name
        return idx

    def _someone(self, out: list[Person], start: dt.date, taken: set[int], share: float) -> int:
        """A person for a post: usually new, sometimes one who already serves another organization."""
        if self._recent and self.rng.random() < share:
            idx, born, name = self._recent[self.rng.randrange(len(self._recent))]
            if idx not in taken and start.year - born >= 25:
                taken.add(idx)
                self._org_people[idx] = name
                return idx
        idx = self._new_person(out, start)
        taken.add(idx)
        return idx

    # --- organizations --------------------------------------------------------------------------

    def _name(self, prefix: str, region: str, org_type: OrgType, field: OrgField, street: str) -> str:
        rng = self.rng
        c = rng.choice
        for attempt in range(6):
            p = (
                prefix
                if attempt < 3
                else prefix + street.removesuffix("路").removesuffix("街") + ("街道" if attempt < 5 else "")
            )
            if org_type is OrgType.FOUNDATION:
                city = self.layout.city.name
                name = f"{city}{c(N.FOUNDATION_BRANDS)}{c(N.FOUNDATION_SUFFIXES)}"
                if attempt >= 3:
                    name = f"{p}{c(N.FOUNDATION_BRANDS)}{c(N.FOUNDATION_SUFFIXES)}"
            elif field is OrgField.ELDER_CARE:
                name = f"{p}{c(N.ELDER_BRANDS)}{c(N.ELDER_SUFFIXES)}"
            elif field is OrgField.EDUCATION:
                name = f"{p}{c(N.EDU_BRANDS)}{c(N.EDU_SUFFIXES)}"
            elif field is OrgField.COMMUNITY:
                community = (
                    c(self._streets(region))
                    .removesuffix("大道")
                    .removesuffix("大街")
                    .removesuffix("路")
                    .removesuffix("街")
                )
                name = f"{p}{community}{c(('路', '街', '')) if attempt else '路'}{c(N.COMMUNITY_SUFFIXES)}"
            elif org_type is OrgType.SERVICE_INSTITUTION and field is OrgField.SCIENCE:
                name = f"{p}{c(N.RESEARCH_TOPICS)}{c(N.RESEARCH_SUFFIXES)}"
            elif org_type is OrgType.SERVICE_INSTITUTION:
                name = f"{p}{c(N.SOCIAL_BRANDS)}{c(N.SOCIAL_SUFFIXES)}"
            elif field is OrgField.INDUSTRY:
                if rng.random() < 0.12:
                    name = f"{p}{c(N.HOMETOWNS)}商会"
                else:
                    name = f"{p}{c(N.INDUSTRIES)}{c(N.INDUSTRY_SUFFIXES)}"
            elif field is OrgField.CULTURE_SPORTS:
                name = f"{p}{c(N.CULTURE_TOPICS)}{c(N.CULTURE_SUFFIXES)}"
            elif field is OrgField.SCIENCE:
                name = f"{p}{c(N.DISCIPLINES)}学会"
            else:
                name = f"{p}{c(N.OTHER_ASSOCIATIONS)}"
            if name not in self._names:
                self._names.add(name)
                return name
        n = 2
        while f"{name}（{n}）" in self._names:
            n += 1
        self._names.add(f"{name}（{n}）")
        return f"{name}（{n}）"

    def _streets(self, region: str) -> tuple[str, ...]:
        return (
            N.STREETS.get(region, N.GENERIC_STREETS)
            if self.layout.code == DEFAULT_CITY
            else N.GENERIC_STREETS
        )

    def _supervisor(
        self, region: RegionEntry, org_type: OrgType, field: OrgField, registered: dt.date
    ) -> str:
        if field is OrgField.INDUSTRY and registered.year >= 2016:
            return ""  # 行业协会商会 register directly since the 2015 decoupling reform
        place = place_name(self.layout.city, region)
        unit = {
            OrgField.ELDER_CARE: "民政局",
            OrgField.EDUCATION: "教育局",
            OrgField.COMMUNITY: "民政局",
            OrgField.SCIENCE: "科学技术协会" if org_type is OrgType.ASSOCIATION else "科学技术局",
            OrgField.CULTURE_SPORTS: self.rng.choice(("文化广电和旅游局", "体育局")),
            OrgField.INDUSTRY: self.rng.choice(("工业和信息化局", "商务局", "工商业联合会")),
            OrgField.CHARITY: "民政局",
        }.get(field, "民政局")
        return place + unit

    def _org(self, index: int, persons: list[Person], roles: list[Role], records: list[Record]) -> Org:
        rng = self.rng
        today = self.today
        org_type, field = _KINDS(rng)  # type: ignore[misc]  # the table holds (OrgType, OrgField) pairs
        if rng.random() < CITY_LEVEL_SHARE or org_type is OrgType.FOUNDATION:
            region = self.layout.city
        else:
            region = self._district(rng)
        year = int(self._reg_year(rng))
        registered = min(_rand_date(rng, dt.date(year, 1, 1), dt.date(year, 12, 31)), today)
        key = (region.code, org_type.value)
        serial = self._serial.get(key, 0) + 1
        self._serial[key] = serial
        code = make_social_org_code(region.code, org_type, serial)
        prefix = place_name(self.layout.city, region)
        streets = self._streets(region.code)
        street = rng.choice(streets)
        name = self._name(prefix, region.code, org_type, field, street)
        address = f"{prefix}{street}{rng.randint(1, 300)}号"
        if rng.random() < 0.6:
            address += f"{rng.randint(1, 30)}号楼{rng.randint(1, 6)}单元{rng.randint(1, 26)}{rng.randint(1, 4):02d}室"
        # Lifecycle: closed organizations stop at their end date.
        status, end = OrgStatus.NORMAL, today
        r = rng.random()
        for st, share in STATUS_SHARES:
            if r < share:
                lo = max(registered + dt.timedelta(days=400), self.window_start)
                if st is OrgStatus.SUSPENDED:
                    lo = max(lo, today - dt.timedelta(days=540))
                if lo < today:
                    status, end = st, _rand_date(rng, lo, today)
                break
            r -= share
        dept = f"mzj-{region.code}"
        org = Org(
            index=index, code=code, name=name, org_type=org_type.value, region=region.code,
            registration_authority=self._dept[dept].name, supervisory_unit=self._supervisor(region, org_type, field, registered),
            field=field.value, registered_on=registered, status=status.value, address=address,
            contact_person="", contact_phone="",
        )  # fmt: skip
        legal_reps, contact = self._posts(org, org_type, persons, roles, end)
        if rng.random() < 0.3 and self.layout.code == DEFAULT_CITY:
            phone = f"0371-{rng.choice('6568')}{rng.randint(0, 9_999_999):07d}"
        else:
            phone = f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}"
        org = org._replace(contact_person=contact, contact_phone=phone)
        self._records(org, org_type, field, status, end, legal_reps, records)
        return org

    def _posts(self, org: Org, org_type: OrgType, persons: list[Person], roles: list[Role],
               end: dt.date) -> tuple[list[tuple[dt.date, int]], str]:  # fmt: skip
        """任职: 5-year terms from registration; the last term is current (open) unless the org closed."""
        rng = self.rng
        starts = [org.registered_on]
        while (nxt := _add_years(starts[-1], TERM_YEARS)) <= end:
            starts.append(nxt)
        # Keep the terms that reach into the window (older history is not part of the demo).
        first = max(
            0,
            next(
                (
                    i
                    for i, s in enumerate(starts)
                    if i + 1 == len(starts) or starts[i + 1] > self.window_start
                ),
                0,
            ),
        )
        starts = starts[first:]
        closed = org.status in (OrgStatus.DEREGISTERED.value, OrgStatus.REVOKED.value)
        ends: list[dt.date | None] = [s - dt.timedelta(days=1) for s in starts[1:]] + [
            end if closed else None
        ]
        taken: set[int] = set()
        self._org_people.clear()
        is_assoc = org_type is not OrgType.SERVICE_INSTITUTION
        legal_reps: list[tuple[dt.date, int]] = []
        rep = sec = -1
        for s, e in zip(starts, ends, strict=True):
            if rep < 0 or rng.random() < 0.4:
                rep = self._someone(persons, s, taken, 0.03)
            legal_reps.append((s, rep))
            roles.append(Role(rep, org.index, RoleKind.LEGAL_REPRESENTATIVE.value, s, e))
            if is_assoc:
                roles.append(Role(rep, org.index, RoleKind.CHAIR.value, s, e))
                if sec < 0 or rng.random() < 0.4:
                    sec = self._someone(persons, s, taken, 0.02)
                roles.append(Role(sec, org.index, RoleKind.SECRETARY_GENERAL.value, s, e))
        current, current_end = starts[-1], ends[-1]
        n_directors = (
            rng.randint(5, 9) if org_type is OrgType.FOUNDATION else rng.randint(3, 6 if is_assoc else 4)
        )
        for _ in range(n_directors):
            roles.append(Role(self._someone(persons, current, taken, SHARED_PERSON_SHARE), org.index,
                              RoleKind.DIRECTOR.value, current, current_end))  # fmt: skip
        roles.append(Role(self._someone(persons, current, taken, SHARED_PERSON_SHARE), org.index,
                          RoleKind.SUPERVISOR.value, current, current_end))  # fmt: skip
        contact = sec if is_assoc else rep
        return legal_reps, self._org_people[contact]

    # --- records --------------------------------------------------------------------------------

    def _doc(self, dept: str, word: str, year: int) -> str:
        key = (dept, word, year)
        n = self._doc_no.get(key, 0) + 1
        self._doc_no[key] = n
        d = self._dept[dept]
        if d.kind == DepartmentKind.COURT.value:
            return f"{d.abbr.format(year=year)}{n}号"
        return f"{d.abbr}{word}〔{year}〕{n}号"

    def _records(self, org: Org, org_type: OrgType, field: OrgField, status: OrgStatus, end: dt.date,
                 legal_reps: list[tuple[dt.date, int]], out: list[Record]) -> None:  # fmt: skip
        rng = self.rng
        rate = RATES
        i = org.index
        dept = f"mzj-{org.region}"
        reg = org.registered_on
        rep_starts = [s for s, _ in legal_reps]

        def rep_at(d: dt.date) -> tuple[int, ...]:
            return (legal_reps[max(0, bisect.bisect_right(rep_starts, d) - 1)][1],)

        def add(kind: str, on: dt.date, department: str = dept, doc: str = "", amount: Decimal | None = None,
                summary: str = "", persons: tuple[int, ...] = (), decided: dt.date | None = None) -> None:  # fmt: skip
            out.append(Record(i, kind, on, decided, department, doc, amount, summary, persons))

        add("registration", reg, summary=f"准予成立登记，登记管理机关：{org.registration_authority}")
        evaluated = rng.random() < EVALUATED_SHARE
        eval_offset = rng.randrange(TERM_YEARS)
        party_year = (
            self.window_start.year + rng.randrange(WINDOW_YEARS) if rng.random() < PARTY_ORG_SHARE else None
        )
        for year in range(self.window_start.year, self.today.year + 1):
            lo = max(dt.date(year, 1, 1), reg)
            hi = min(dt.date(year, 12, 31), end)
            if lo > hi:
                continue

            def when(a: tuple[int, int] = (1, 1), b: tuple[int, int] = (12, 31), *, y: int = year,
                     lo: dt.date = lo, hi: dt.date = hi) -> dt.date | None:  # fmt: skip
                """A random day between month/day `a` and `b` of this year, if the org was active then."""
                d = _rand_date(rng, dt.date(y, *a), dt.date(y, *b))
                return d if lo <= d <= hi else None

            if reg.year < year:  # the report on the previous year is due by 31 May
                r = rng.random()
                missing = r < rate["annual_report_missing"]
                if missing:
                    if (d := when((7, 1), (7, 15))) is not None:
                        add(
                            "annual_report_missing",
                            d,
                            summary=f"未按规定报送{year - 1}年度工作报告",
                            persons=rep_at(d),
                        )
                elif r < rate["annual_report_missing"] + rate["annual_report_late"]:
                    if (d := when((6, 1), (9, 30))) is not None:
                        add("annual_report_late", d, summary=f"逾期报送{year - 1}年度工作报告")
                elif (d := when((3, 1), (5, 31))) is not None:
                    add("annual_report_on_time", d, summary=f"按时报送{year - 1}年度工作报告")
                # Not every authority still runs a separate annual inspection (年检) besides the report.
                if rng.random() < rate["annual_inspection"] and (d := when((8, 1), (10, 31))) is not None:
                    r = rng.random()
                    kind, word = (
                        ("annual_inspection_fail", "不合格") if missing or r < rate["annual_inspection_fail"]
                        else ("annual_inspection_basic", "基本合格") if r < rate["annual_inspection_fail"] + rate["annual_inspection_basic"]
                        else ("annual_inspection_pass", "合格")
                    )  # fmt: skip
                    add(kind, d, summary=f"{year - 1}年度检查结论：{word}")
            if rng.random() < rate["spot_check"] and (d := when()) is not None:
                if rng.random() < rate["spot_check_rectify"]:
                    finding = rng.choice(N.SPOT_CHECK_FINDINGS)
                    add("spot_check_rectify", d, doc=self._doc(dept, "责改", year), decided=d,
                        summary=f"“双随机”抽查发现{finding}，责令30日内整改")  # fmt: skip
                    due = d + dt.timedelta(days=rng.randint(45, 120))
                    if rng.random() < rate["rectification_overdue"] and reg <= due <= min(end, self.today):
                        add(
                            "rectification_overdue",
                            due,
                            summary=f"{finding}问题逾期未完成整改",
                            persons=rep_at(due),
                        )
                else:
                    add("spot_check_clear", d, summary="“双随机、一公开”抽查未发现问题")
            if rng.random() < rate["address_unreachable"] and (d := when()) is not None:
                add("address_unreachable", d, summary="通过登记的住所无法取得联系")
            if rng.random() < rate["complaint_verified"] and (d := when()) is not None:
                add("complaint_verified", d, summary="群众投诉反映问题经核查属实")
            if rng.random() < rate["penalty_warning"] and (d := when()) is not None:
                add("penalty_warning", d, doc=self._doc(dept, "罚", year), decided=d, persons=rep_at(d),
                    summary=f"因{rng.choice(N.VIOLATIONS_WARNING)}，给予警告")  # fmt: skip
            if rng.random() < rate["penalty_fine"] and (d := when()) is not None:
                if rng.random() < rate["fine_large"]:
                    amount = Decimal(rng.randrange(50_000, 200_001, 1000))
                else:
                    amount = Decimal(
                        rng.choice(
                            (
                                1000,
                                2000,
                                3000,
                                5000,
                                8000,
                                10_000,
                                20_000,
                                30_000,
                                rng.randrange(1000, 50_000, 500),
                            )
                        )
                    )
                add("penalty_fine", d, doc=self._doc(dept, "罚", year), decided=d, amount=amount, persons=rep_at(d),
                    summary=f"因{rng.choice(N.VIOLATIONS_FINE)}，处罚款{amount:,.0f}元")  # fmt: skip
            if rng.random() < rate["penalty_confiscation"] and (d := when()) is not None:
                amount = Decimal(rng.randrange(5_000, 120_000, 100))
                add("penalty_confiscation", d, doc=self._doc(dept, "罚", year), decided=d, amount=amount,
                    persons=rep_at(d), summary=f"没收违法所得{amount:,.0f}元")  # fmt: skip
            if rng.random() < rate["change_registration"] and (d := when()) is not None:
                add(
                    "change_registration",
                    d,
                    summary=rng.choice(
                        ("变更住所", "变更法定代表人", "变更业务范围", "变更名称", "章程核准")
                    ),
                )
            if rng.random() < rate["filing"] and (d := when()) is not None:
                add(
                    "filing",
                    d,
                    summary=rng.choice(("负责人备案", "印章式样备案", "银行账户备案", "分支机构备案")),
                )
            if rng.random() < rate["commendation"] and (d := when((1, 10), (12, 20))) is not None:
                kind = str(_COMMENDATIONS(rng))
                level = {"commendation_municipal": self.layout.city.name + "人民政府", "commendation_provincial": "省民政厅",
                         "commendation_national": "民政部"}[kind]  # fmt: skip
                add(kind, d, department=self._city_dept, summary=f"被{level}评为先进社会组织")
            if rng.random() < rate["commitment_signed"] and (d := when()) is not None:
                add("commitment_signed", d, summary="签署并公开信用承诺书")
                if rng.random() < 0.3 and (d2 := when((12, 1), (12, 31))) is not None and d2 >= d:
                    add("commitment_fulfilled", d2, summary="年度信用承诺履约")
            if rng.random() < rate["commitment_broken"] and (d := when()) is not None:
                add("commitment_broken", d, summary="违背信用承诺", persons=rep_at(d))
            if (
                field.value in _PURCHASING_FIELDS
                and org_type is OrgType.SERVICE_INSTITUTION
                and rng.random() < rate["government_purchase"]
                and (d := when((2, 1), (11, 30))) is not None
            ):
                amount = Decimal(rng.randrange(30_000, 600_000, 1000))
                add("government_purchase", d, department=self._finance, doc=self._doc(self._finance, "购", year),
                        amount=amount, summary=f"承接政府购买服务项目，合同金额{amount:,.0f}元")  # fmt: skip
            if rng.random() < rate["tax_arrears"] and (d := when()) is not None:
                amount = Decimal(rng.randrange(2_000, 80_000, 10))
                add("tax_arrears", d, department=self._tax, doc=self._doc(self._tax, "税通", year), amount=amount,
                    summary=f"欠缴税款{amount:,.2f}元")  # fmt: skip
            if rng.random() < rate["market_penalty"] and (d := when()) is not None:
                amount = Decimal(rng.randrange(2_000, 40_000, 500))
                add("penalty_fine", d, department=self._market, doc=self._doc(self._market, "罚", year), decided=d,
                    amount=amount, persons=rep_at(d), summary=f"因违规收费，处罚款{amount:,.0f}元")  # fmt: skip
            if rng.random() < rate["dishonest_debtor"] and (d := when()) is not None:
                add("dishonest_debtor", d, department=self._court, doc=self._doc(self._court, "执", year),
                    persons=rep_at(d), summary="有履行能力而拒不履行生效法律文书确定的义务")  # fmt: skip
            if (
                evaluated
                and (year - eval_offset) % TERM_YEARS == 0
                and (d := when((9, 1), (12, 20))) is not None
            ):
                kind = str(_GRADES(rng))
                add(kind, d, department=self._city_dept if org.region == self.layout.code else dept,
                    doc=self._doc(self._city_dept if org.region == self.layout.code else dept, "评", year), decided=d,
                    summary=f"社会组织等级评估结论：{kind[-2:].upper()}级，有效期5年")  # fmt: skip
            if party_year == year and (d := when()) is not None:
                add("party_org_established", d, summary="建立党支部")
        if status is OrgStatus.DEREGISTERED:
            add("deregistration", end, summary="准予注销登记")
        elif status is OrgStatus.REVOKED:
            kind = rng.choice(("registration_revoked", "penalty_certificate_revoked"))
            add(kind, end, doc=self._doc(dept, "罚", end.year), decided=end, persons=rep_at(end),
                summary="连续两年未参加年度检查，" + ("撤销登记" if kind == "registration_revoked" else "吊销登记证书"))  # fmt: skip
        elif status is OrgStatus.SUSPENDED:
            add("penalty_suspension", end, doc=self._doc(dept, "罚", end.year), decided=end, persons=rep_at(end),
                summary=f"因{rng.choice(N.VIOLATIONS_FINE)}，责令限期停止活动三个月")  # fmt: skip

    # --- the stream -----------------------------------------------------------------------------

    def batches(self, size: int = 1000) -> Iterator[Batch]:
        """Yield the organizations in batches of `size`, each with its new persons, posts and records."""
        for start in range(0, self.n, size):
            persons: list[Person] = []
            roles: list[Role] = []
            records: list[Record] = []
            orgs = [self._org(i, persons, roles, records) for i in range(start, min(start + size, self.n))]
            yield Batch(orgs, persons, roles, records)


def generate(
    orgs: int, seed: int, *, today: dt.date, city: str = DEFAULT_CITY, batch_size: int = 1000
) -> Iterator[Batch]:
    """Shorthand: the batches of a fresh `DemoGenerator`."""
    return DemoGenerator(orgs, seed, today=today, city=city).batches(batch_size)
