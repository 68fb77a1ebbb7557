"""The warning rules on crafted frames, thresholds at their boundaries (no Django)."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from socredit.core.riskwarnings import (
    Facts,
    ThresholdErrors,
    evaluate,
    validate_thresholds,
)

D = dt.date
AS_OF = D(2026, 6, 1)


REGISTERED = D(2015, 1, 1)


def orgs(*ids: int, registered_on: dt.date = REGISTERED) -> pl.DataFrame:
    return pl.DataFrame({"org": list(ids), "registered_on": [registered_on] * len(ids)})


def hits(kind: str, facts: Facts, raw: dict, as_of: dt.date = AS_OF) -> dict[int, dict]:
    out = evaluate(kind, facts, validate_thresholds(kind, raw), as_of)
    return {org: json.loads(f) for org, f in out.iter_rows()}


def test_annual_report_overdue_from_the_grace_day_and_not_once_filed():
    missing = pl.DataFrame(
        {
            "org": [1, 2, 3],
            "year": [2025, 2025, 2025],
            "since": [D(2026, 6, 1), D(2026, 5, 31), D(2026, 5, 1)],
        }
    )
    reports = pl.DataFrame(
        {"org": [3], "year": [2025], "submitted_on": [D(2026, 5, 20)], "election_held": [None]}
    )
    f = Facts(orgs=orgs(1, 2, 3), missing=missing, reports=reports)
    assert set(hits("annual_report_overdue", f, {"grace_days": 0})) == {1, 2}
    found = hits("annual_report_overdue", f, {"grace_days": 1})
    assert set(found) == {2} and found[2] == {"year": 2025, "since": "2026-05-31"}


def test_an_organization_outside_the_watched_ones_gives_no_warning():
    missing = pl.DataFrame({"org": [9], "year": [2025], "since": [D(2026, 1, 1)]})
    assert hits("annual_report_overdue", Facts(orgs=orgs(1), missing=missing), {"grace_days": 0}) == {}


def test_dormant_names_the_organizations_of_the_dormancy_frame_with_its_facts():
    frame = pl.DataFrame({"org": [1, 9], "missing_years": [[2025, 2024], [2025, 2024]],
                          "last_activity": [D(2023, 5, 1), None], "unreachable_on": [None, None]})  # fmt: skip
    found = hits("dormant", Facts(orgs=orgs(1, 2), dormant=frame), {})
    assert found == {
        1: {"missing_years": [2025, 2024], "last_activity": "2023-05-01", "unreachable_on": None}
    }


def test_address_unreachable_within_the_look_back_including_its_first_day():
    events = pl.DataFrame({"org": [1, 2, 2], "on": [D(2025, 6, 1), D(2025, 5, 31), D(2026, 2, 1)],
                           "source": ["spot_check", "letters", "spot_check"]})  # fmt: skip
    found = hits("address_unreachable", Facts(orgs=orgs(1, 2), unreachable=events), {"lookback_days": 365})
    assert set(found) == {1, 2}
    assert found[2] == {"last": "2026-02-01", "times": 1, "sources": ["spot_check"]}
    assert set(
        hits("address_unreachable", Facts(orgs=orgs(1, 2), unreachable=events), {"lookback_days": 364})
    ) == {2}


def test_election_overdue_counts_from_the_latest_election_or_registration():
    o = pl.DataFrame({"org": [1, 2, 3], "registered_on": [D(2021, 5, 31), D(2021, 6, 1), D(2010, 1, 1)]})
    reports = pl.DataFrame(
        {"org": [3], "year": [2021], "submitted_on": [D(2022, 3, 1)], "election_held": [True]}
    )
    f = Facts(orgs=o, reports=reports)
    found = hits("election_overdue", f, {"term_years": 5, "grace_days": 0})
    # org 1's term ended 2026-05-31 (< as_of); org 2's ends on 2026-06-01 (= as_of, not yet overdue);
    # org 3 was elected in 2021, its term runs to 2026-12-31
    assert set(found) == {1} and found[1]["basis"] == "registration"
    elections = pl.DataFrame({"org": [1], "on": [D(2024, 1, 1)], "source": ["registry"]})
    assert (
        hits(
            "election_overdue",
            Facts(orgs=o, reports=reports, elections=elections),
            {"term_years": 5, "grace_days": 0},
        )
        == {}
    )
    assert hits("election_overdue", f, {"term_years": 5, "grace_days": 1}) == {}


def test_banned_person_only_in_a_watched_post_held_on_the_day():
    posts = pl.DataFrame({
        "org": [1, 2, 3, 4], "person": [10, 10, 11, 12], "person_name": ["甲", "甲", "乙", "丙"],
        "post": ["legal_rep", "director", "chair", "legal_rep"],
        "start_on": [D(2020, 1, 1)] * 4, "end_on": [None, None, None, D(2026, 5, 31)],
    })  # fmt: skip
    flagged = pl.DataFrame(
        {"person": [10, 11, 12], "cause": ["ban", "serious", "ban"], "until": [D(2027, 1, 1), None, None]}
    )
    f = Facts(orgs=orgs(1, 2, 3, 4), posts=posts, flagged=flagged)
    found = hits("banned_person", f, {"posts": ["legal_rep", "chair"], "include_serious_list": True})
    assert set(found) == {1, 3}
    assert found[1]["persons"] == [{"name": "甲", "post": "legal_rep", "cause": "ban", "until": "2027-01-01"}]
    assert set(
        hits("banned_person", f, {"posts": ["legal_rep", "chair"], "include_serious_list": False})
    ) == {1}


def test_complaint_burst_counts_the_days_ending_on_the_run_day():
    days = [AS_OF - dt.timedelta(days=d) for d in (0, 30, 89)] + [
        AS_OF - dt.timedelta(days=d) for d in (0, 30, 90)
    ]
    f = Facts(orgs=orgs(1, 2), complaints=pl.DataFrame({"org": [1, 1, 1, 2, 2, 2], "on": days}))
    found = hits("complaint_burst", f, {"count": 3, "days": 90})
    assert set(found) == {1} and found[1]["count"] == 3
    assert set(hits("complaint_burst", f, {"count": 2, "days": 90})) == {1, 2}


def _figures(rows: list[tuple[int, int, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"org": pl.Int64, "year": pl.Int32, "code": pl.String, "value": pl.Float64}, orient="row"
    )


def test_figure_change_at_exactly_the_ratio_and_the_minimum():
    fig = _figures([(1, 2024, "ia_total_income", 100.0), (1, 2025, "ia_total_income", 150.0),
                    (2, 2024, "ia_total_income", 100.0), (2, 2025, "ia_total_income", 149.0),
                    (3, 2024, "ia_total_income", 100.0), (3, 2025, "ia_total_income", 40.0),
                    (4, 2024, "ia_total_income", 0.0), (4, 2025, "ia_total_income", 900.0)])  # fmt: skip
    f = Facts(orgs=orgs(1, 2, 3, 4), figures=fig)
    found = hits("figure_change", f, {"figure": ["ia_total_income"], "ratio": 0.5, "min_amount": 150})
    assert set(found) == {1} and found[1]["change"] == 0.5
    assert set(hits("figure_change", f, {"figure": ["ia_total_income"], "ratio": 0.5, "min_amount": 0})) == {
        1,
        3,
    }


def test_figure_amount_adds_the_figures_of_the_latest_year():
    fig = _figures([(1, 2025, "overseas_income", 3.0), (1, 2025, "overseas_expenditure", 2.0),
                    (2, 2024, "overseas_income", 9.0), (2, 2025, "overseas_expenditure", 4.0),
                    (3, 2025, "overseas_income", 0.0), (4, 2022, "overseas_income", 99.0)])  # fmt: skip
    f = Facts(orgs=orgs(1, 2, 3, 4), figures=fig)
    t = {
        "figures": ["overseas_income", "overseas_expenditure"],
        "amount": 5,
        "transactions": ["off"],
        "lookback_days": 365,
    }
    found = hits("figure_amount", f, t)
    assert set(found) == {1} and found[1]["total"] == 5.0
    assert set(hits("figure_amount", f, {**t, "amount": 0})) == {1, 2}  # 0: any amount above nothing


@pytest.mark.parametrize(("kind", "raw", "field"), [
    ("complaint_burst", {"count": 0, "days": 90}, "count"),
    ("complaint_burst", {"count": 3, "days": -1}, "days"),
    ("complaint_burst", {"count": 2.5, "days": 9}, "count"),
    ("figure_change", {"figure": ["ia_total_income"], "ratio": 0, "min_amount": 0}, "ratio"),
    ("figure_change", {"figure": ["ia_total_income"], "ratio": -0.5, "min_amount": 0}, "ratio"),
    ("figure_change", {"figure": ["ia_total_income", "ia_total_expenses"], "ratio": 1, "min_amount": 0}, "figure"),
    ("figure_amount", {"figures": ["overseas_income"], "amount": -1}, "amount"),
    ("figure_amount", {"figures": [], "amount": 1}, "figures"),
    ("figure_amount", {"figures": ["nonsense"], "amount": 1}, "figures"),
    ("figure_amount", {"figures": ["overseas_income"], "amount": 1, "transactions": ["all"], "lookback_days": 9}, "transactions"),
    ("figure_amount", {"figures": ["overseas_income"], "amount": 1, "transactions": ["single"], "lookback_days": 0}, "lookback_days"),
    ("dormant", {"report_years": 2, "quiet_days": 1}, "report_years"),
    ("address_unreachable", {"lookback_days": "abc"}, "lookback_days"),
])  # fmt: skip
def test_impossible_thresholds_are_refused_by_field(kind, raw, field):
    with pytest.raises(ThresholdErrors) as exc:
        validate_thresholds(kind, raw)
    assert field in exc.value.errors


def _moves(*rows: tuple) -> pl.DataFrame:
    """Transactions: (org, day, amount, related_party, overseas), paid to 某某公司 by 郑州市财政局."""
    return pl.DataFrame(
        [(org, day, amount, "out", f"对方{org}", "郑州市财政局", rel, abroad) for org, day, amount, rel, abroad in rows],
        orient="row", schema=list(Facts().transactions.schema),
    )  # fmt: skip


AMOUNT = {
    "figures": ["largest_transaction"],
    "amount": 5_000_000,
    "transactions": ["single"],
    "lookback_days": 365,
}


def test_a_single_reported_transaction_at_the_line_within_the_look_back_meets_the_rule():
    moves = _moves(
        (1, D(2025, 6, 1), 5_000_000.0, False, False),  # exactly the line, on the look-back's first day
        (2, D(2025, 5, 31), 9_000_000.0, False, False),  # one day too old
        (3, D(2026, 5, 1), 4_999_999.99, False, False),  # under the line
        (4, D(2026, 6, 2), 9_000_000.0, False, False),  # after the day of the run
    )  # fmt: skip
    found = hits("figure_amount", Facts(orgs=orgs(1, 2, 3, 4), transactions=moves), AMOUNT)
    assert set(found) == {1}
    moved = found[1]["transactions"]
    assert (found[1]["year"], moved["mode"], moved["count"], moved["total"]) == (
        None,
        "single",
        1,
        5_000_000.0,
    )
    assert moved["largest"][0]["department"] == "郑州市财政局" and moved["largest"][0]["on"] == "2025-06-01"


def test_related_party_and_overseas_transactions_add_up_within_the_look_back():
    moves = _moves(
        (1, D(2026, 1, 1), 600_000.0, True, False), (1, D(2026, 3, 1), 400_000.0, True, False),
        (2, D(2026, 1, 1), 900_000.0, True, False), (2, D(2026, 2, 1), 900_000.0, False, False),
        (3, D(2026, 4, 1), 10.0, False, True),
    )  # fmt: skip
    f = Facts(orgs=orgs(1, 2, 3), transactions=moves)
    related = hits("figure_amount", f, {**AMOUNT, "figures": ["related_party_amount"], "amount": 1_000_000,
                                        "transactions": ["related_party"]})  # fmt: skip
    assert set(related) == {1} and related[1]["transactions"]["count"] == 2
    overseas = hits(
        "figure_amount",
        f,
        {**AMOUNT, "figures": ["overseas_income"], "amount": 0, "transactions": ["overseas"]},
    )
    assert set(overseas) == {3}


def test_both_sources_on_one_organization_make_one_warning_naming_both():
    figures = pl.DataFrame(
        {"org": [1], "year": [2025], "code": ["largest_transaction"], "value": [6_000_000.0]}
    )
    moves = _moves((1, D(2026, 2, 1), 7_000_000.0, False, False))
    found = hits("figure_amount", Facts(orgs=orgs(1), figures=figures, transactions=moves), AMOUNT)
    assert found[1]["year"] == 2025 and found[1]["transactions"]["count"] == 1
    off = hits("figure_amount", Facts(orgs=orgs(1), transactions=moves), {**AMOUNT, "transactions": ["off"]})
    assert off == {}
