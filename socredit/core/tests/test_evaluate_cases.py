"""Hand-computed evaluations with the shipped models, the evaluation date check, and the facts format."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

from socredit.core.catalogue import reference_kinds
from socredit.core.scoring.evaluate import EvaluationInputError, check_as_of, evaluate
from socredit.core.scoring.facts import (
    FACT_DTYPE,
    FACT_SCHEMA,
    MEMBERSHIP_SCHEMA,
    NO_AMOUNT,
    OPEN_END,
    add_months,
    day_number,
    empty_facts,
    fact_row,
    facts_from_rows,
    from_day_number,
    pack,
    sort_facts,
    unpack,
)
from socredit.core.scoring.model import shipped_models

KIND_IDS = {row["code"]: i + 1 for i, row in enumerate(reference_kinds())}
REFERENCE = shipped_models().get("reference-2026.1")
STATUS_CLASSES = shipped_models().get("status-classes-2023.1")
D = dt.date
ORG = 7


def rec(record_id, kind, occurred, *, org=ORG, status=1, cls="", until=None, ended=None, amount=None):
    return fact_row(
        record_id=record_id,
        org_id=org,
        kind=KIND_IDS[kind],
        status=status,
        dishonesty_class=cls,
        occurred_on=occurred,
        publicity_until=until,
        ended_on=ended,
        amount=amount,
    )


def memberships(*rows):
    """(org, list, since, until or None) → a membership frame."""
    return pl.DataFrame(
        [(org, name, day_number(since), day_number(until)) for org, name, since, until in rows],
        schema=MEMBERSHIP_SCHEMA,
        orient="row",
    )


def one(rows, as_of, model=REFERENCE, members=None, *, explain=False):
    """The explanation of ORG."""
    result = evaluate([ORG], facts_from_rows(rows), as_of, model, KIND_IDS, members, explain=explain)
    return result.explain(ORG)


def points_of(explanation, indicator_id):
    lines = {line.indicator.id: line for line in explanation.lines}
    return lines[indicator_id]


# --- points ------------------------------------------------------------------------------------


def test_an_organization_without_records_has_the_base_score():
    e = one([], D(2026, 1, 1))
    assert (e.score, e.level, e.score_level, e.cause, e.base) == (75, "B", "B", "score", 75)
    assert e.lines == ()
    assert e.rule is None


def test_a_fine_of_60000_yuan_counts_minus_20_by_its_amount():
    e = one([rec(1, "penalty_fine", D(2025, 5, 1), cls="general", amount=60_000)], D(2026, 1, 1))
    line = points_of(e, "penalty_fine")
    assert (line.count, line.raw_points, line.points, line.capped) == (1, -20, -20, False)
    assert (e.score, e.level) == (55, "C")  # 55 is the lowest score of C


@pytest.mark.parametrize(
    ("cls", "amount", "score"),
    [
        ("general", 49_999.99, 67),  # below the step; general is not in by_class: the base -8
        ("", None, 67),
        ("minor", None, 70),  # by_class -5
        ("grave", None, 63),  # by_class -12
        ("serious", None, 55),  # by_class -20
        ("minor", 50_000, 55),  # the amount step comes before the class
    ],
)
def test_a_fine_counts_by_amount_then_class(cls, amount, score):
    e = one([rec(1, "penalty_fine", D(2025, 5, 1), cls=cls, amount=amount)], D(2026, 1, 1))
    assert e.score == score


def test_points_in_an_indicator_are_capped():
    rows = [rec(i, "penalty_fine", D(2025, i, 1), cls="general", amount=60_000) for i in (1, 2, 3)]
    e = one(rows, D(2026, 1, 1))
    line = points_of(e, "penalty_fine")
    assert (line.count, line.raw_points, line.points, line.capped) == (3, -60, -30, True)
    assert (e.score, e.level) == (45, "D")


def test_the_score_is_clipped_to_the_scale():
    bad = [
        rec(1, "penalty_suspension", D(2024, 1, 1)),
        rec(2, "registration_revoked", D(2024, 2, 1)),  # -60, capped at -40
        rec(3, "dishonest_debtor", D(2024, 3, 1)),  # -25
        rec(4, "penalty_fine", D(2024, 4, 1), amount=50_000),
        rec(5, "penalty_fine", D(2024, 5, 1), amount=50_000),  # -40, capped at -30
    ]
    e = one(bad, D(2025, 1, 1))
    assert sum(line.points for line in e.lines) == -95
    assert (e.score, e.level) == (0, "D")
    good = [
        rec(1, "grade_5a", D(2024, 1, 1)),  # 15
        *(rec(10 + y, "annual_report_on_time", D(y, 5, 1)) for y in (2022, 2023, 2024)),  # 6
        rec(20, "party_org_established", D(2020, 1, 1)),  # 3, no window
        rec(21, "commendation_national", D(2024, 6, 1)),
        rec(22, "commendation_national", D(2024, 7, 1)),  # 16, capped at 10
    ]
    e = one(good, D(2025, 1, 1))
    assert sum(line.points for line in e.lines) == 34
    assert (e.score, e.level) == (100, "A")


def test_only_the_best_grade_counts():
    rows = [
        rec(1, "grade_3a", D(2023, 3, 1)),
        rec(2, "grade_5a", D(2022, 6, 1)),
        rec(3, "grade_4a", D(2024, 9, 1)),
        rec(4, "annual_report_on_time", D(2025, 5, 1)),
    ]
    e = one(rows, D(2026, 1, 1), explain=True)
    line = points_of(e, "evaluation_grade")
    assert (line.count, line.raw_points, line.points) == (3, 15, 15)
    assert (e.score, e.level) == (92, "A")
    assert e.contributions is not None
    counted = dict(e.contributions.select("record_id", "counted").iter_rows())
    assert counted == {1: False, 2: True, 3: False, 4: True}
    by_record = dict(e.contributions.select("record_id", "points").iter_rows())
    assert by_record == {1: 5, 2: 15, 3: 10, 4: 2}
    assert set(e.contributions["indicator"]) == {"evaluation_grade", "annual_report_on_time"}


def test_of_equal_grades_the_latest_is_the_one_counted():
    rows = [
        rec(1, "grade_4a", D(2022, 6, 1)),
        rec(2, "grade_4a", D(2024, 6, 1)),
        rec(3, "grade_2a", D(2025, 1, 1)),
    ]
    e = one(rows, D(2026, 1, 1), explain=True)
    assert e.score == 85
    assert e.contributions is not None
    assert dict(e.contributions.select("record_id", "counted").iter_rows()) == {1: False, 2: True, 3: False}


def test_a_grade_older_than_its_window_gives_way_to_the_next_best():
    rows = [rec(1, "grade_5a", D(2021, 1, 1)), rec(2, "grade_4a", D(2022, 1, 1))]
    assert one(rows, D(2025, 12, 31)).score == 90
    assert one(rows, D(2026, 1, 1)).score == 85  # five years on, the 5A no longer counts
    assert one(rows, D(2027, 1, 1)).score == 75


# --- when a record counts -----------------------------------------------------------------------


@pytest.mark.parametrize("status", [4, 5])  # 已修复, 已过期
def test_an_ended_record_counts_before_its_ended_day_and_not_after(status):
    rows = [rec(1, "complaint_verified", D(2025, 1, 10), status=status, ended=D(2025, 6, 1))]
    assert one(rows, D(2025, 1, 9)).score == 75  # not yet happened
    assert one(rows, D(2025, 1, 10)).score == 72
    assert one(rows, D(2025, 5, 31)).score == 72
    assert one(rows, D(2025, 6, 1)).score == 75
    assert one(rows, D(2026, 1, 1)).score == 75


@pytest.mark.parametrize("status", [2, 3])  # 已更正, 已撤销
def test_a_corrected_or_revoked_record_never_counts(status):
    rows = [rec(1, "complaint_verified", D(2025, 1, 10), status=status)]
    for as_of in (D(2025, 1, 10), D(2025, 6, 1), D(2026, 1, 1)):
        assert one(rows, as_of).score == 75


def test_a_record_counts_up_to_the_last_day_of_its_publicity():
    rows = [rec(1, "annual_report_late", D(2025, 6, 1), cls="minor", until=D(2025, 9, 1))]
    assert one(rows, D(2025, 9, 1)).score == 71
    assert one(rows, D(2025, 9, 2)).score == 75


def test_a_record_leaves_its_window_on_the_same_day_months_later():
    rows = [rec(1, "annual_report_on_time", D(2023, 3, 15))]
    assert one(rows, D(2026, 3, 14)).score == 77
    assert one(rows, D(2026, 3, 15)).score == 75
    rows = [rec(1, "party_org_established", D(2001, 1, 1))]  # no window
    assert one(rows, D(2026, 11, 23)).score == 78


def test_records_of_other_organizations_and_kinds_outside_the_model_do_not_count():
    rows = [
        rec(1, "commitment_broken", D(2025, 1, 1), org=8),
        rec(2, "registration", D(2025, 1, 1)),
        rec(3, "commitment_signed", D(2025, 1, 1)),  # counted, for 0 points
    ]
    e = one(rows, D(2026, 1, 1))
    assert e.score == 75
    assert [(line.indicator.id, line.count, line.points) for line in e.lines] == [("commitment_kept", 1, 0)]


# --- level rules ---------------------------------------------------------------------------------


def test_the_serious_list_sets_d_and_the_abnormal_list_caps_at_c():
    rows = [rec(1, "grade_5a", D(2024, 1, 1))]
    as_of = D(2026, 1, 1)
    assert (one(rows, as_of).level, one(rows, as_of).cause) == ("A", "score")
    on_abnormal = (ORG, "abnormal", D(2025, 1, 1), None)
    abnormal = one(rows, as_of, members=memberships(on_abnormal))
    assert (abnormal.score, abnormal.score_level) == (90, "A")
    assert (abnormal.level, abnormal.cause) == ("C", "abnormal_list")
    both = memberships(on_abnormal, (ORG, "serious", D(2025, 12, 1), D(2026, 6, 1)))
    serious = one(rows, as_of, members=both)
    assert (serious.score, serious.level, serious.cause) == (90, "D", "serious_list")
    assert serious.rule is not None and serious.rule.set == "D"
    # an org whose score is already D keeps "score" as its cause
    fines = [rec(i, "penalty_fine", D(2025, i, 1), amount=50_000) for i in (1, 2)]
    assert one(fines, as_of, members=both).cause == "score"


def test_a_membership_counts_from_its_first_day_up_to_its_end_day():
    rows = [rec(1, "grade_5a", D(2024, 1, 1))]
    members = memberships((ORG, "serious", D(2025, 3, 1), D(2025, 9, 1)), (ORG, "red", D(2020, 1, 1), None))
    assert one(rows, D(2025, 2, 28), members=members).level == "A"
    assert one(rows, D(2025, 3, 1), members=members).level == "D"
    assert one(rows, D(2025, 8, 31), members=members).level == "D"
    assert one(rows, D(2025, 9, 1), members=members).level == "A"


def strict_model():
    """The reference model with A from 95, so that its grade_a rule can raise a 4A to A."""
    levels = "".join(
        f'[[level]]\ncode = "{c}"\nmin = {m}\n' for c, m in zip("ABCD", (95, 70, 55, 0), strict=True)
    )
    text = (
        '[meta]\nkind = "indicator-model"\nversion = "strict-test"\ntitle = "A from 95"\n'
        'effective_from = 2026-01-01\nextends = "reference-2026.1"\n' + levels
    )
    return shipped_models().check_text(text, source="strict.toml")


def test_a_grade_rule_without_negatives_raises_the_level_only_without_negative_records():
    model = strict_model()
    as_of = D(2026, 1, 1)
    grade = [rec(1, "grade_4a", D(2024, 1, 1))]
    e = one(grade, as_of, model)
    assert (e.score, e.score_level, e.level, e.cause) == (85, "B", "A", "grade_a")
    # a record that gives 0 points is not negative
    e = one([*grade, rec(2, "commitment_signed", D(2025, 1, 1))], as_of, model)
    assert (e.score, e.level, e.cause) == (85, "A", "grade_a")
    # one that takes points off is, even when other records make up for it
    e = one(
        [*grade, rec(2, "complaint_verified", D(2025, 1, 1)), rec(3, "government_purchase", D(2025, 2, 1))],
        as_of,
        model,
    )
    assert (e.score, e.level, e.cause) == (84, "B", "score")
    # a 3A is not enough
    assert one([rec(1, "grade_3a", D(2024, 1, 1))], as_of, model).level == "B"
    # with the reference thresholds the rule never needs to raise: a 4A without negatives is A by score
    e = one(grade, as_of)
    assert (e.score, e.level, e.cause) == (85, "A", "score")


def test_status_classes_map_statuses_to_levels():
    as_of = D(2025, 1, 1)
    assert (one([], as_of, STATUS_CLASSES).level, one([], as_of, STATUS_CLASSES).cause) == ("B", "score")
    grade = [rec(1, "grade_5a", D(2023, 1, 1))]
    e = one(grade, as_of, STATUS_CLASSES)
    assert (e.score, e.score_level, e.level, e.cause) == (75, "B", "A", "grade_a")
    assert one([rec(1, "grade_3a", D(2023, 1, 1))], as_of, STATUS_CLASSES).level == "B"
    # at_most comes after at_least: an abnormal situation wins over the grade
    e = one([*grade, rec(2, "address_unreachable", D(2024, 1, 1))], as_of, STATUS_CLASSES)
    assert (e.score, e.level, e.cause) == (75, "C", "abnormal_situation")
    # the situation is read within its 24-month window
    assert one([*grade, rec(2, "address_unreachable", D(2023, 1, 1))], as_of, STATUS_CLASSES).level == "A"


# --- the result ---------------------------------------------------------------------------------


def test_organizations_are_sorted_and_unique_and_the_frame_names_causes():
    facts = facts_from_rows(
        [rec(1, "penalty_fine", D(2025, 5, 1), amount=60_000), rec(2, "grade_5a", D(2024, 5, 1), org=8)]
    )
    members = memberships((9, "serious", D(2025, 1, 1), None))
    result = evaluate([10, 8, 7, 9, 8], facts, D(2026, 1, 1), REFERENCE, KIND_IDS, members)
    assert result.org_ids.tolist() == [7, 8, 9, 10]
    assert len(result) == 4
    assert result.frame().to_dicts() == [
        {"org_id": 7, "score": 55, "level": "C", "cause": "score"},
        {"org_id": 8, "score": 90, "level": "A", "cause": "score"},
        {"org_id": 9, "score": 75, "level": "D", "cause": "serious_list"},
        {"org_id": 10, "score": 75, "level": "B", "cause": "score"},
    ]
    assert result.contributions is None
    with pytest.raises(KeyError):
        result.explain(11)
    assert result.explain(7).contributions is None


def test_no_organizations_give_an_empty_result():
    result = evaluate([], empty_facts(), D(2026, 1, 1), REFERENCE, KIND_IDS)
    assert len(result) == 0
    assert result.points.shape == (0, len(REFERENCE.indicators))
    assert result.frame().height == 0


def test_a_kind_the_model_reads_must_have_an_id():
    kind_ids = {code: i for code, i in KIND_IDS.items() if code != "tax_arrears"}
    with pytest.raises(EvaluationInputError, match="tax_arrears"):
        evaluate([ORG], empty_facts(), D(2026, 1, 1), REFERENCE, kind_ids)


# --- the evaluation date ------------------------------------------------------------------------


def test_check_as_of_accepts_dates_from_2000_to_today():
    today = D(2026, 11, 23)
    check_as_of(today, today=today)
    check_as_of(D(2000, 1, 1), today=today)
    check_as_of(D(2016, 2, 29), today=today)


@pytest.mark.parametrize(("as_of", "words"), [(D(2026, 11, 24), "晚于今天"), (D(1999, 12, 31), "早于")])
def test_check_as_of_refuses_the_future_and_dates_before_2000(as_of, words):
    with pytest.raises(EvaluationInputError, match=words):
        check_as_of(as_of, today=D(2026, 11, 23))


# --- facts ---------------------------------------------------------------------------------------


def sample_facts():
    return facts_from_rows(
        [
            rec(3, "penalty_fine", D(2025, 5, 1), cls="serious", until=D(2026, 5, 1), amount=60_000.5),
            rec(1, "grade_5a", D(2024, 5, 1), org=2**31 - 2),
            rec(2**32 - 1, "complaint_verified", D(1970, 1, 1), status=4, ended=D(2025, 6, 1), amount=0),
            rec(2, "election_overdue", D(1969, 12, 31), org=-5, cls="grave"),
        ]
    )


def test_pack_unpack_round_trip():
    facts = sample_facts()
    blob = pack(facts)
    assert FACT_DTYPE.itemsize == 32
    assert len(blob) == 32 * facts.height
    back = unpack([blob])
    assert back.schema == facts.schema
    assert back.equals(facts)
    # blobs concatenate in order
    first, second = facts.slice(0, 1), facts.slice(1)
    assert unpack([pack(first), pack(second)]).equals(facts)
    assert unpack([pack(second), pack(first)]).equals(pl.concat([second, first]))


def test_pack_unpack_round_trip_of_an_empty_frame():
    blob = pack(empty_facts())
    assert blob == b""
    back = unpack([blob])
    assert back.height == 0
    assert back.schema == pl.Schema(FACT_SCHEMA)
    assert unpack([]).equals(empty_facts())
    assert unpack([b"", pack(sample_facts()), b""]).equals(sample_facts())


def test_unpack_refuses_truncated_data():
    with pytest.raises(ValueError, match="truncated"):
        unpack([pack(sample_facts())[:-1]])


def test_fact_row_codes_values():
    row = rec(9, "penalty_fine", D(1970, 1, 2), cls="serious", until=None, ended=D(1970, 1, 1))
    assert row == (9, ORG, KIND_IDS["penalty_fine"], 1, 4, 1, OPEN_END, 0, NO_AMOUNT)
    assert rec(9, "grade_5a", D(2000, 1, 1))[4] == 0
    assert [rec(9, "grade_5a", D(2000, 1, 1), cls=c)[4] for c in ("minor", "general", "grave")] == [1, 2, 3]


def test_day_numbers():
    assert day_number(D(1970, 1, 1)) == 0
    assert day_number(D(2026, 1, 1)) == 20454
    assert day_number(None) == OPEN_END
    assert day_number(None, missing=-1) == -1
    assert from_day_number(20454) == D(2026, 1, 1)
    assert from_day_number(OPEN_END) is None


def test_sort_facts_orders_by_org_kind_day_record():
    facts = sort_facts(sample_facts())
    keys = list(zip(*(facts[c].to_list() for c in ("org_id", "kind", "day", "record_id")), strict=True))
    assert keys == sorted(keys)
    assert np.array_equal(
        np.sort(facts["record_id"].to_numpy()), np.sort(sample_facts()["record_id"].to_numpy())
    )


@pytest.mark.parametrize(
    ("date", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2023, 3, 31), -1, D(2023, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), -48, D(2020, 2, 29)),
        (D(2025, 8, 31), 1, D(2025, 9, 30)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2025, 12, 31), 2, D(2026, 2, 28)),
        (D(2026, 1, 15), -1, D(2025, 12, 15)),
        (D(2026, 1, 1), -36, D(2023, 1, 1)),
        (D(2026, 11, 23), -60, D(2021, 11, 23)),
        (D(2026, 5, 17), 0, D(2026, 5, 17)),
    ],
)
def test_add_months(date, months, expected):
    assert add_months(date, months) == expected
