"""The measures catalogue (措施清单): loading and checking, and which measures apply to which status."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socredit.core.codes import CodeError, is_social_org_code, make_social_org_code, validate_social_org_code
from socredit.core.config import ConfigError
from socredit.core.measures.catalogue import catalogue_library, shipped_catalogues
from socredit.core.measures.evaluate import (
    GreenChannelRule,
    SubjectStatus,
    applicable_measures,
    full_years,
    green_channel_eligible,
)
from socredit.core.measures.status import clean_years_frame
from socredit.core.types import OrgType

DAY = dt.date(2026, 6, 1)
CATALOGUE = shipped_catalogues().get("measures-2019.1")


def codes(status: SubjectStatus, scenario: str, day: dt.date = DAY) -> list[str]:
    return [a.measure.code for a in applicable_measures(status, scenario, CATALOGUE, day)]


ORG = "organization"
CLEAN = SubjectStatus(ORG, level="B", clean_years=1)
GREEN = SubjectStatus(ORG, level="B", clean_years=4, green_channel=True)
RED_A = SubjectStatus(ORG, level="A", red=True, clean_years=5)
ABNORMAL = SubjectStatus(ORG, level="C", lists=frozenset({"abnormal"}), clean_years=0)
SERIOUS = SubjectStatus(ORG, level="D", lists=frozenset({"serious"}), domains=frozenset({"civil_affairs"}))
TWO_DOMAINS = SubjectStatus(
    ORG, level="D", lists=frozenset({"serious"}), domains=frozenset({"civil_affairs", "court"})
)
BANNED = SubjectStatus("person", bans=1)
LISTED_PERSON = SubjectStatus("person", person_listed=True)
CLEAN_PERSON = SubjectStatus("person")

CASES = [
    # (status, scenario, measures expected, in order)
    (CLEAN, "financial_subsidy", []),
    (CLEAN, "licensing", []),
    (GREEN, "licensing", ["R-GREEN-CHANNEL"]),
    (RED_A, "licensing", ["R-RED-GREEN-CHANNEL"]),
    (RED_A, "government_purchase", ["R-PRIORITY-PURCHASE"]),
    (RED_A, "honours", ["R-PRIORITY-HONOURS"]),
    (RED_A, "public_resource_trading", ["R-RED-PUBLIC-TRADING"]),
    (RED_A, "spot_check", ["R-FEWER-INSPECTIONS"]),
    (ABNORMAL, "government_purchase", ["P-ABNORMAL-CAUTION"]),
    (ABNORMAL, "spot_check", ["P-ABNORMAL-SPOT-CHECK", "P-LEVEL-D-SUPERVISION"]),
    (SERIOUS, "financial_subsidy", ["P-SERIOUS-NO-PUBLIC-FUNDS", "P-SERIOUS-NO-FUNDING"]),
    (SERIOUS, "government_purchase", ["P-SERIOUS-NO-PURCHASE"]),
    (SERIOUS, "honours", ["P-SERIOUS-NO-HONOURS"]),
    (SERIOUS, "registration", ["P-SERIOUS-STRICT-LICENSING"]),
    (
        SERIOUS,
        "spot_check",
        ["P-SERIOUS-KEY-SUPERVISION", "P-LEVEL-D-SUPERVISION"],
    ),
    (
        TWO_DOMAINS,
        "financial_subsidy",
        ["P-SERIOUS-NO-PUBLIC-FUNDS", "P-MULTI-DOMAIN-ESCALATION", "P-SERIOUS-NO-FUNDING"],
    ),
    (BANNED, "registration", ["P-PERSON-BAN-POST"]),
    (BANNED, "honours", ["P-PERSON-BAN-HONOURS"]),
    (BANNED, "financial_subsidy", []),
    (LISTED_PERSON, "registration", ["P-SERIOUS-SECTOR-BAN"]),
    (LISTED_PERSON, "honours", ["P-PERSON-LISTED-HONOURS"]),
    (CLEAN_PERSON, "registration", []),
]


@pytest.mark.parametrize(("status", "scenario", "expected"), CASES)
def test_the_measures_of_a_status_in_a_scenario(
    status: SubjectStatus, scenario: str, expected: list[str]
) -> None:
    assert codes(status, scenario) == expected


@pytest.mark.parametrize(
    "status", [CLEAN, GREEN, RED_A, ABNORMAL, SERIOUS, TWO_DOMAINS, BANNED, LISTED_PERSON]
)
@pytest.mark.parametrize(
    "scenario", [s for s in ("licensing", "honours", "registration", "spot_check", "other")]
)
def test_mandatory_measures_come_before_recommended_ones(status: SubjectStatus, scenario: str) -> None:
    forces = [a.measure.mandatory for a in applicable_measures(status, scenario, CATALOGUE, DAY)]
    assert forces == sorted(forces, reverse=True)


def test_a_measure_applies_only_within_its_validity() -> None:
    # the green channel of seed 004 exists from 2019-07-15
    assert codes(GREEN, "licensing", dt.date(2019, 7, 14)) == []
    assert codes(GREEN, "licensing", dt.date(2019, 7, 15)) == ["R-GREEN-CHANNEL"]


def test_every_measure_cites_a_title_and_says_its_condition_in_both_languages() -> None:
    for m in CATALOGUE.measures:
        assert m.citations.startswith("《")
        assert m.text and m.text_en
        assert m.condition.describe("zh-hans") != m.condition.describe("en")


def test_person_measures_never_reach_an_organization_and_the_reverse() -> None:
    # a person held by one domain gets no organization measure; by two, the escalation reaches them too
    serious_person = SubjectStatus("person", lists=frozenset({"serious"}), domains=frozenset({"a"}))
    assert codes(serious_person, "financial_subsidy") == []
    two = SubjectStatus("person", domains=frozenset({"a", "b"}))
    assert codes(two, "honours") == ["P-MULTI-DOMAIN-ESCALATION"]
    assert codes(SubjectStatus(ORG, bans=2, person_listed=True), "registration") == []


BASE = """
[meta]
kind = "measures-catalogue"
version = "t-1"
title = "t"
effective_from = 2020-01-01

[[measure]]
code = "X"
kind = "reward"
force = "recommended"
group = 2
targets = ["organization"]
scenarios = ["licensing"]
condition = { levels = ["A"] }
text = "t"
department = "d"
basis = [{ title = "某办法" }]
"""


@pytest.mark.parametrize(
    ("change", "message", "line"),
    [
        (('kind = "reward"', 'kind = "prize"'), "kind 应为 reward 或 punishment", 10),
        (('scenarios = ["licensing"]', 'scenarios = ["parking"]'), "未知的值：parking", 14),
        (('levels = ["A"]', 'levels = ["E"]'), "levels 应为", 15),
        (('condition = { levels = ["A"] }', "condition = { colour = 1 }"), "未知的键：colour", 15),
        (('basis = [{ title = "某办法" }]', "basis = []"), "缺少依据", 18),
        (("group = 2", "group = 4"), "group 应为 1、2 或 3", 12),
        (
            (
                'targets = ["organization"]',
                'targets = ["organization"]\nvalid_from = 2021-01-01\nvalid_until = 2020-06-01',
            ),
            "valid_until 早于 valid_from",
            15,
        ),
        (
            ('condition = { levels = ["A"] }', "condition = { person_ban = true }"),
            "须包含法定代表人或负责人",
            13,
        ),
    ],
)
def test_a_wrong_catalogue_is_refused_with_its_line(change: tuple[str, str], message: str, line: int) -> None:
    text = BASE.replace(*change)
    with pytest.raises(ConfigError) as caught:
        catalogue_library().check_text(text, source="upload")
    assert message in caught.value.message
    assert caught.value.line == line


def test_a_duplicate_code_is_refused() -> None:
    text = BASE + BASE[BASE.index("[[measure]]") :]
    with pytest.raises(ConfigError, match="重复"):
        catalogue_library().check_text(text, source="upload")


def test_green_channel_needs_the_years_the_profile_states_and_no_listing() -> None:
    rule = GreenChannelRule(enabled=True, clean_years=3)
    assert green_channel_eligible(SubjectStatus(ORG, clean_years=3), rule)
    assert not green_channel_eligible(SubjectStatus(ORG, clean_years=2), rule)
    assert not green_channel_eligible(SubjectStatus(ORG, clean_years=9, lists=frozenset({"abnormal"})), rule)
    assert not green_channel_eligible(SubjectStatus(ORG, clean_years=9), GreenChannelRule(True, None))
    assert not green_channel_eligible(SubjectStatus(ORG, clean_years=9), GreenChannelRule(False, 3))


def test_full_years_counts_whole_years_only() -> None:
    assert full_years(dt.date(2023, 6, 2), DAY) == 2
    assert full_years(dt.date(2023, 6, 1), DAY) == 3
    assert full_years(dt.date(2024, 2, 29), dt.date(2025, 2, 28)) == 1
    assert full_years(dt.date(2027, 1, 1), DAY) == 0


@settings(deadline=None, max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)), st.booleans()),
        min_size=1,
        max_size=40,
    ),
    st.dates(dt.date(2001, 1, 1), dt.date(2030, 12, 31)),
    st.integers(1, 10),
)
def test_the_vectorised_years_and_eligibility_equal_the_scalar_ones(
    rows: list[tuple[dt.date, bool]], day: dt.date, years: int
) -> None:
    rule = GreenChannelRule(enabled=True, clean_years=years)
    frame = pl.DataFrame({"clean_since": [r[0] for r in rows], "listed": [r[1] for r in rows]})
    out = clean_years_frame(frame, day, rule)
    for (since, listed), got_years, got_green in zip(
        rows, out["clean_years"], out["green_channel"], strict=True
    ):
        expected = full_years(since, day)
        assert got_years == expected
        status = SubjectStatus(
            ORG, clean_years=expected, lists=frozenset({"abnormal"}) if listed else frozenset()
        )
        assert got_green == green_channel_eligible(status, rule)


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXYZIOSV -"


@settings(deadline=None, max_examples=300)
@given(
    st.one_of(
        st.builds(
            lambda region, kind, serial: make_social_org_code(region, kind, serial),
            st.sampled_from(["410105", "410184", "110101"]),
            st.sampled_from(list(OrgType)),
            st.integers(0, 999_999),
        ),
        st.text(alphabet=_USCC_CHARS, min_size=16, max_size=20),
        st.builds(lambda s: "5" + s, st.text(alphabet=_USCC_CHARS, min_size=17, max_size=17)),
    )
)
def test_the_fast_code_check_agrees_with_the_validation(text: str) -> None:
    try:
        expected = validate_social_org_code(text).code == text
    except CodeError:
        expected = False
    assert is_social_org_code(text) == expected
