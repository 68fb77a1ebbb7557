"""The demo-data generator: reproducible, valid codes and ID numbers, plausible dates and rates (no database)."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from socredit.apps.demo.generator import DemoGenerator, city_layout, generate
from socredit.core.codes import validate_id_number, validate_social_org_code
from socredit.core.types import OrgStatus, OrgType, RoleKind

# the generator is pure Python, without a database (socredit/testing/vendor.py)
pytestmark = pytest.mark.vendor_neutral

TODAY = dt.date(2026, 11, 23)
KINDS_CSV = Path(__file__).resolve().parents[3] / "core" / "data" / "record_kinds.csv"


def _flat(orgs: int = 600, seed: int = 7, batch_size: int = 250):
    out = {"orgs": [], "persons": [], "roles": [], "records": []}
    for b in generate(orgs, seed, today=TODAY, batch_size=batch_size):
        for key, rows in zip(out, b, strict=True):
            out[key] += rows
    return out


@pytest.fixture(scope="module")
def data():
    return _flat()


def test_same_seed_gives_identical_output_whatever_the_batch_size(data):
    assert _flat(batch_size=600) == data
    assert repr(_flat(batch_size=77)) == repr(data)


def test_different_seed_gives_different_output(data):
    other = _flat(seed=8)
    assert [o.name for o in other["orgs"]] != [o.name for o in data["orgs"]]


def test_counts_are_as_asked():
    assert sum(len(b.orgs) for b in generate(1234, 1, today=TODAY, batch_size=500)) == 1234
    assert list(generate(0, 1, today=TODAY)) == []


def test_every_organization_code_validates_and_is_unique(data):
    codes = [o.code for o in data["orgs"]]
    assert len(set(codes)) == len(codes)
    for o in data["orgs"]:
        parsed = validate_social_org_code(o.code)
        assert parsed.org_type.value == o.org_type
        assert parsed.authority_region == o.region
        assert parsed.org_code_ok


def test_every_id_number_validates_and_is_unique(data):
    numbers = [p.id_number for p in data["persons"]]
    assert len(set(numbers)) == len(numbers)
    for n in numbers:
        assert validate_id_number(n, today=TODAY) == n


def test_names_are_unique_and_fit_the_place(data):
    names = [o.name for o in data["orgs"]]
    assert len(set(names)) == len(names)
    layout = city_layout()
    district_names = {d.code: d.name for d in layout.districts}
    for o in data["orgs"]:
        assert o.name.startswith(("郑州", *district_names.values())), o.name
        if o.org_type == OrgType.FOUNDATION.value:
            assert o.name.endswith("基金会")


def test_type_mix_and_regions(data):
    types = Counter(o.org_type for o in data["orgs"])
    n = len(data["orgs"])
    assert 0.5 < types["2"] / n < 0.7
    assert 0.25 < types["1"] / n < 0.45
    assert 0.01 < types["3"] / n < 0.1
    regions = {o.region for o in data["orgs"]}
    assert {"410100", "410105", "410184"} <= regions
    statuses = Counter(o.status for o in data["orgs"])
    assert statuses[OrgStatus.NORMAL.value] / n > 0.85
    assert all(dt.date(1995, 1, 1) <= o.registered_on <= TODAY for o in data["orgs"])


def test_no_record_before_registration_or_after_today(data):
    registered = {o.index: o.registered_on for o in data["orgs"]}
    for r in data["records"]:
        assert registered[r.org] <= r.occurred_on <= TODAY, r
        assert r.decided_on is None or registered[r.org] <= r.decided_on <= TODAY, r


def test_kinds_exist_in_the_catalogue_and_document_numbers_are_unique_per_department(data):
    with KINDS_CSV.open(encoding="utf-8") as f:
        catalogue = {row["code"] for row in csv.DictReader(f)}
    assert {r.kind for r in data["records"]} <= catalogue
    keys = [(r.department, r.document_number) for r in data["records"] if r.document_number]
    assert len(set(keys)) == len(keys)
    departments = {d.code for d in DemoGenerator(1, 1, today=TODAY).departments}
    assert {r.department for r in data["records"]} <= departments


def test_roles_have_terms_and_some_persons_serve_several_organizations(data):
    for role in data["roles"]:
        assert role.end_on is None or role.end_on >= role.start_on
    orgs_per_person = Counter()
    for person, _org in {(r.person, r.org) for r in data["roles"]}:
        orgs_per_person[person] += 1
    assert sum(1 for n in orgs_per_person.values() if n >= 2) >= 20
    kinds = Counter(r.kind for r in data["roles"])
    for kind in (RoleKind.LEGAL_REPRESENTATIVE, RoleKind.CHAIR, RoleKind.SECRETARY_GENERAL, RoleKind.DIRECTOR,
                 RoleKind.SUPERVISOR):  # fmt: skip
        assert kinds[kind.value] > 0
    ended = [r for r in data["roles"] if r.end_on is not None]
    assert ended, "past terms are closed"
    # Each organization has exactly one current legal representative unless it closed.
    current = Counter(r.org for r in data["roles"] if r.kind == "legal_rep" and r.end_on is None)
    closed = {o.index for o in data["orgs"] if o.status in ("deregistered", "revoked")}
    assert all(current[o.index] == (0 if o.index in closed else 1) for o in data["orgs"])


def test_penalties_name_the_legal_representative(data):
    reps = {(r.org, r.person) for r in data["roles"] if r.kind == "legal_rep"}
    penalties = [r for r in data["records"] if r.kind.startswith("penalty_")]
    assert penalties
    for r in penalties:
        assert r.persons and all((r.org, p) in reps for p in r.persons)


def test_rates_are_plausible(data):
    kinds = Counter(r.kind for r in data["records"])
    n = len(data["orgs"])
    # Org-years with an annual report due: years after the registration year, inside the window, while active.
    due = sum(max(0, TODAY.year - max(o.registered_on.year + 1, TODAY.year - 9) + 1) for o in data["orgs"])
    reports = kinds["annual_report_on_time"] + kinds["annual_report_late"] + kinds["annual_report_missing"]
    assert 0.8 < reports / due <= 1.0
    assert kinds["annual_report_on_time"] / reports > 0.85
    assert kinds["annual_report_missing"] / reports < 0.05
    penalties = sum(v for k, v in kinds.items() if k.startswith("penalty_"))
    assert penalties / n < 0.15
    fines = [r.amount for r in data["records"] if r.kind == "penalty_fine"]
    assert sum(1 for a in fines if a < 50_000) >= 0.8 * len(fines)
    assert 15 <= len(data["records"]) / n <= 21


def test_other_city():
    batches = list(generate(50, 3, today=TODAY, city="410200"))
    orgs = [o for b in batches for o in b.orgs]
    assert all(o.code[2:6] == "4102" for o in orgs)
    layout = city_layout("410200")
    places = (layout.city.name, *(d.name for d in layout.districts))
    assert all(o.name.startswith(places) for o in orgs), [o.name for o in orgs]


def test_unknown_city_is_refused():
    with pytest.raises(ValueError, match="地级"):
        city_layout("410105")
