"""The daily aggregation against figures counted by hand on the crafted world (conftest.world)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from socredit.apps.registry.models import Organization
from socredit.apps.statistics.aggregate import aggregate_day, month_keys
from socredit.apps.statistics.models import AggregationRun, Figure
from socredit.apps.statistics.tests.conftest import CITY, DAY, JINSHUI, STREET, XINZHENG
from socredit.common.access import SystemPrincipal
from socredit.common.errors import FieldErrors

pytestmark = pytest.mark.django_db


def figures(path: str, metric: str, day: dt.date = DAY) -> dict[str, int]:
    return dict(Figure.objects.filter(day=day, path=path, metric=metric).values_list("dimension", "value"))


@pytest.fixture
def aggregated(world):
    aggregate_day(SystemPrincipal(), DAY)
    return world


def test_month_keys_end_with_the_data_date():
    keys = month_keys(dt.date(2026, 4, 15), 3)
    assert keys == [("2026-02", dt.date(2026, 2, 28)), ("2026-03", dt.date(2026, 3, 31)), ("2026-04", DAY)]


def test_organizations_by_status_type_and_field(aggregated):
    assert figures(JINSHUI, "org_status") == {"normal": 3, "deregistered": 1}
    assert figures(JINSHUI, "org_type") == {"1": 2, "3": 1}
    assert figures(JINSHUI, "org_field") == {"education": 1, "other": 2}
    assert figures(XINZHENG, "org_type") == {"2": 1}
    assert figures(CITY, "org_status") == {"normal": 4, "deregistered": 1}
    assert figures("", "org_type") == {"1": 2, "2": 1, "3": 1}
    assert figures(STREET, "org_type") == {"1": 1}


def test_credit_levels_and_their_monthly_trend(aggregated):
    assert figures(JINSHUI, "credit_level") == {"A": 1, "none": 2}
    assert figures(CITY, "credit_level") == {"A": 1, "C": 1, "none": 2}
    # a1: B from 2026-01-10, A from 2026-03-05; b1: C from 2025-12-20; a3's D is deregistered
    assert figures(JINSHUI, "level_month") == {"2026-01/B": 1, "2026-02/B": 1, "2026-03/A": 1, "2026-04/A": 1}
    assert figures(CITY, "level_month") == {
        "2025-12/C": 1, "2026-01/B": 1, "2026-01/C": 1, "2026-02/B": 1, "2026-02/C": 1,
        "2026-03/A": 1, "2026-03/C": 1, "2026-04/A": 1, "2026-04/C": 1,
    }  # fmt: skip


def test_list_entries_exits_and_members(aggregated):
    assert figures(JINSHUI, "list_in_force") == {"abnormal": 1, "red": 1}
    assert figures(XINZHENG, "list_in_force") == {}
    assert figures(JINSHUI, "list_entries") == {
        "2026-01/red/red_model": 1,
        "2026-02/abnormal/annual_report": 1,
    }
    assert figures(XINZHENG, "list_entries") == {"2025-11/abnormal/annual_report": 1}
    assert figures(XINZHENG, "list_exits") == {"2026-03/abnormal/corrected": 1}
    assert figures(JINSHUI, "list_exits") == {}  # a1's exit of 2024 lies before the twelve months
    assert figures(STREET, "list_in_force") == {"red": 1}


def test_records_by_category_and_department(aggregated):
    assert figures(JINSHUI, "records_category") == {"penalty": 1}
    assert figures(JINSHUI, "records_department") == {"zz-mzj": 1}
    assert figures(XINZHENG, "records_category") == {}


def test_annual_report_filing_and_the_charter_target(aggregated):
    # due on 2025: a1 and a2 (c1 registered in 2026, a3 deregistered); a2 filed after the data date
    assert figures(JINSHUI, "annual_reports") == {"due": 2, "filed": 1}
    assert figures(JINSHUI, "target_party") == {"den": 1, "num": 1}
    assert figures(XINZHENG, "target_party") == {"den": 1}
    assert figures(CITY, "annual_reports") == {"due": 3, "filed": 2}


def test_cases_open_and_overdue(aggregated):
    assert figures(JINSHUI, "cases_open") == {"objection": 1}
    assert figures(JINSHUI, "cases_overdue") == {"objection": 1}
    assert figures(XINZHENG, "cases_open") == {"complaint": 1}
    assert figures(XINZHENG, "cases_overdue") == {}
    assert figures(STREET, "cases_open") == {"objection": 1}


def test_checks_and_measures(aggregated):
    assert figures(JINSHUI, "checks") == {"2026-04": 1}
    assert figures(JINSHUI, "check_subjects") == {"2026-04": 3}
    assert figures(JINSHUI, "measures") == {"applied": 1}
    assert figures(CITY, "checks") == {"2026-04": 1}
    assert figures(XINZHENG, "checks") == {}


def test_targets(aggregated):
    assert figures(JINSHUI, "target_clean") == {"den": 3, "num": 2}
    assert figures(JINSHUI, "target_evaluated") == {"den": 3, "num": 1}
    assert figures(CITY, "target_evaluated") == {"den": 4, "num": 2}
    assert figures(JINSHUI, "target_spotcheck") == {"den": 1, "num": 1}
    assert figures(CITY, "target_spotcheck") == {"den": 2, "num": 1}


def snapshot() -> set[tuple[str, str, str, int]]:
    return set(Figure.objects.filter(day=DAY).values_list("path", "metric", "dimension", "value"))


def test_a_rerun_replaces_the_day(aggregated):
    before = snapshot()
    aggregate_day(SystemPrincipal(), DAY)
    assert snapshot() == before  # the same data, the same figures, nothing doubled
    Organization.objects.filter(pk=aggregated["c1"].pk).update(status="revoked")
    outcome = aggregate_day(SystemPrincipal(), DAY)
    assert outcome.figures == Figure.objects.filter(day=DAY).count()
    assert figures(JINSHUI, "org_status") == {"normal": 2, "deregistered": 1, "revoked": 1}
    # counted once for 金水 and each region above it and the country
    assert Figure.objects.filter(day=DAY, metric="org_status", dimension="revoked").count() == 5
    assert AggregationRun.objects.filter(day=DAY).count() == 1


def test_old_days_keep_only_month_ends(world, today_is):
    for day in (dt.date(2026, 2, 10), dt.date(2026, 2, 27), dt.date(2026, 3, 20)):
        aggregate_day(SystemPrincipal(), day)
    aggregate_day(SystemPrincipal(), DAY)
    assert sorted(AggregationRun.objects.values_list("day", flat=True)) == [
        dt.date(2026, 2, 27), dt.date(2026, 3, 20), DAY,
    ]  # fmt: skip
    assert not Figure.objects.filter(day=dt.date(2026, 2, 10)).exists()


def test_a_future_day_is_refused(world):
    with pytest.raises(FieldErrors, match="晚于今天"):
        aggregate_day(SystemPrincipal(), DAY + dt.timedelta(days=1))
    with pytest.raises(CommandError, match="as-of"):
        call_command("statistics", "aggregate", "--as-of", "2026-13-01")


def test_the_command_aggregates(world, capsys):
    call_command("statistics", "aggregate", "--as-of", "2026-04-15")
    assert "统计汇总 2026-04-15" in capsys.readouterr().out
    assert figures(JINSHUI, "org_status") == {"normal": 3, "deregistered": 1}
