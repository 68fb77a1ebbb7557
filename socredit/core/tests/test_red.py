"""The red list's criteria (socredit/core/lists/red.py): the reasons given word for word, the
boundaries of the clean window on the day itself, and the order of the findings. The legal case
table (cases/lists.toml) decides eligibility; these pin what a mutation run showed it left open."""

import datetime as dt

from socredit.core.lists import (
    Entry,
    ListingHistory,
    ListParameters,
    ListRecord,
    RedStanding,
    red_list_candidates,
    red_list_failures,
)
from socredit.core.lists.red import RED_BASIS, RedFinding

D = dt.date
AS_OF = D(2026, 1, 1)
PARAMS = ListParameters()
SIGNED = ListRecord(1, 1, "commitment_signed", D(2024, 1, 1))


def reasons(records, history=None, level="A", grade="grade_4a"):
    """(eligible, reasons) of organization 1 on AS_OF."""
    standing = RedStanding(1, level, grade)
    histories = {1: history} if history else None
    [finding] = red_list_candidates([standing], records, AS_OF, PARAMS, histories) or red_list_failures(
        [standing], records, AS_OF, PARAMS, histories
    )
    assert finding.org_id == 1 and finding.basis == RED_BASIS
    return finding.eligible, finding.reasons


def test_a_candidate_is_told_every_criterion_it_meets():
    assert red_list_candidates([RedStanding(1, "A", "grade_4a")], [SIGNED], AS_OF, PARAMS) == [
        RedFinding(
            1,
            True,
            (
                "信用等级为A",
                "评估等级为4A级",
                "近3年内无失信记录且未被列入名录",
                "已于2024-01-01签署信用承诺且未违背",
            ),
        )  # fmt: skip
    ]


def test_a_member_failing_is_told_only_the_criteria_it_fails():
    # no records at all: no grade, no commitment
    assert red_list_failures([RedStanding(1, "B", None)], [], AS_OF, PARAMS) == [
        RedFinding(1, False, ("信用等级为B，低于A", "无评估等级，低于4A级", "未签署信用承诺"))
    ]
    assert red_list_candidates([RedStanding(1, "B", None)], [], AS_OF, PARAMS) == []


def test_a_negative_record_dated_on_the_day_itself_counts():
    warning = ListRecord(2, 1, "penalty_warning", AS_OF, decided_on=AS_OF)
    assert reasons([SIGNED, warning]) == (False, ("近3年内有失信记录（行政处罚：警告，2026-01-01）",))


def test_a_listing_that_began_on_the_day_itself_counts():
    entry = Entry(org_id=1, list="abnormal", ground="R1.6(3)", entered_on=AS_OF, clock_start=AS_OF,
                  record_ids=(), trigger_record_id=None)  # fmt: skip
    history = ListingHistory(1, entries=(entry,))
    assert reasons([SIGNED], history) == (False, ("近3年内曾被列入名录（2026-01-01）",))


def test_a_commitment_broken_on_the_day_it_was_signed_is_broken():
    # (a broken commitment is itself a negative record: the clean window fails too)
    broken = ListRecord(2, 1, "commitment_broken", SIGNED.day)
    assert reasons([SIGNED, broken])[1][-1] == "违背信用承诺"


def test_records_in_force_other_than_a_signed_commitment_are_no_commitment():
    grade = ListRecord(2, 1, "grade_4a", D(2024, 1, 1))
    assert reasons([grade]) == (False, ("未签署信用承诺",))


def test_findings_come_in_the_order_of_the_organizations():
    standings = [RedStanding(org, "A", "grade_5a") for org in (3, 1, 2)]
    records = [ListRecord(org, org, "commitment_signed", D(2024, 1, 1)) for org in (1, 2, 3)]
    assert [f.org_id for f in red_list_candidates(standings, records, AS_OF, PARAMS)] == [1, 2, 3]
    assert [f.org_id for f in red_list_failures(standings, [], AS_OF, PARAMS)] == [1, 2, 3]
