"""A crafted world whose every figure is counted by hand in the tests (see ``world``'s docstring)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from socredit.apps.annualreports.models import AnnualReport
from socredit.apps.cases.models import Case
from socredit.apps.evaluation.models import CreditScore, LevelChange
from socredit.apps.lists.models import ListDecision, ListEntry
from socredit.apps.measures.models import CheckFeedback, CreditCheck
from socredit.apps.registry.models import Organization, Region
from socredit.apps.registry.services.streets import load_streets
from socredit.apps.spotchecks.models import SpotCheck, SpotCheckPlan
from socredit.core.regions import street_regions
from socredit.core.types import OrgType
from socredit.testing import factories

DAY = dt.date(2026, 4, 15)
JINSHUI = "/100000/410000/410100/410105/"
XINZHENG = "/100000/410000/410100/410184/"
CITY = "/100000/410000/410100/"
STREET = "/100000/410000/410100/410105/410105001/"


def _entry(
    org: Any, lst: str, ground: str, entered: dt.date, left: dt.date | None = None, exit_ground: str = ""
):
    decision = ListDecision.objects.create(
        organization=org, kind="entry", list=lst, ground=ground, legal_basis="测试", document_number=f"测{org.pk}{lst}{entered}",
        authority_name="郑州市金水区民政局", decided_on=entered, confirmed_by_label="staff", policy_version="national-2026.1",
    )  # fmt: skip
    return ListEntry.objects.create(
        organization=org, list=lst, ground=ground, entered_on=entered, clock_start=entered, left_on=left,
        exit_ground=exit_ground, entry_decision=decision,
    )  # fmt: skip


def _score(org: Any, level: str) -> None:
    CreditScore.objects.create(
        organization=org, score=80, level=level, cause="score", model_version="t", as_of=DAY, breakdown=b"",
        evaluated_at=timezone.now(),
    )  # fmt: skip


def _change(org: Any, level: str, day: dt.date) -> None:
    LevelChange.objects.create(
        organization=org, to_level=level, to_score=80, as_of=day, at=timezone.now(), cause="score", trigger="t",
        model_version="t",
    )  # fmt: skip


def _case(kind: str, region: str, org: Any, due: dt.date, status: str = "open") -> None:
    Case.objects.create(
        number=f"{kind[:2]}{region}{due:%m%d}", kind=kind, status=status, stage="review", organization=org,
        region=factories.region(region), channel="counter", reasons="测试", received_on=dt.date(2026, 3, 1),
        filed_by_label="staff", profile_version="t", due_on=due,
    )  # fmt: skip


@pytest.fixture
def world(personas, civil_affairs, today_is) -> dict[str, Any]:
    """金水区 (410105, street 经八路街道 410105001) and 新郑市 (410184), data date 2026-04-15:

    - a1 金水, association, education, street 经八路, level A (B from 2026-01-10, A from 2026-03-05),
      red list since 2026-01-15, report on 2025 filed 2026-03-01 with Party building in the charter,
      an open objection overdue since 2026-04-01, a spot check done on 2026-04-01;
    - a2 金水, foundation, other, not evaluated, a negative record in force, 活动异常名录 since
      2026-02-03, report on 2025 filed only on 2026-04-20 (after the data date);
    - a3 金水, association, deregistered (a D in January 2026 that no longer counts);
    - c1 金水, association, other, registered 2026-01-05 (owes no report on 2025);
    - b1 新郑, service institution, elder care, level C since 2025-12-20, 活动异常名录 2025-11-01 to
      2026-03-10 (exit ground corrected), report on 2025 filed without the charter clause, a spot
      check drawn and not done; an open complaint in 新郑 without an organization, not yet due;
    - one credit check by 金水 on 2026-04-10 of 3 subjects, with one measure carried out.
    """
    today_is(DAY)
    load_streets(street_regions(under="410105"))
    street = Region.objects.get(code="410105001")
    a1 = factories.organization("410105", OrgType.ASSOCIATION, field="education", street=street.code)
    a2 = factories.organization("410105", OrgType.FOUNDATION, field="other")
    a3 = factories.organization("410105", OrgType.ASSOCIATION, field="other")
    c1 = factories.organization(
        "410105", OrgType.ASSOCIATION, field="other", registered_on=dt.date(2026, 1, 5)
    )
    b1 = factories.organization("410184", OrgType.SERVICE_INSTITUTION, field="elder_care")
    factories.record(a2, kind="penalty_warning")  # a negative record (the write re-scores: cleared below)
    Organization.objects.filter(pk=a3.pk).update(status="deregistered")
    CreditScore.objects.all().delete()
    LevelChange.objects.all().delete()
    _score(a1, "A")
    _score(b1, "C")
    _change(a1, "B", dt.date(2026, 1, 10))
    _change(a1, "A", dt.date(2026, 3, 5))
    _change(b1, "C", dt.date(2025, 12, 20))
    _change(a3, "D", dt.date(2026, 1, 1))
    _entry(a1, "red", "red_model", dt.date(2026, 1, 15))
    _entry(a1, "abnormal", "annual_report", dt.date(2024, 1, 1), dt.date(2024, 6, 1), "corrected")
    _entry(a2, "abnormal", "annual_report", dt.date(2026, 2, 3))
    _entry(b1, "abnormal", "annual_report", dt.date(2025, 11, 1), dt.date(2026, 3, 10), "corrected")
    AnnualReport.objects.create(organization=a1, year=2025, state="submitted", submitted_on=dt.date(2026, 3, 1),
                                content={"party_building_in_charter": True})  # fmt: skip
    AnnualReport.objects.create(organization=a2, year=2025, state="submitted", submitted_on=dt.date(2026, 4, 20),
                                content={"party_building_in_charter": "yes"})  # fmt: skip
    AnnualReport.objects.create(organization=b1, year=2025, state="concluded", submitted_on=dt.date(2026, 2, 1),
                                content={"party_building_in_charter": "no"})  # fmt: skip
    AnnualReport.objects.create(organization=a3, year=2025, state="submitted", submitted_on=dt.date(2026, 2, 1),
                                content={"party_building_in_charter": "yes"})  # fmt: skip
    _case("objection", "410105", a1, dt.date(2026, 4, 1))
    _case("complaint", "410184", None, dt.date(2026, 5, 1))
    _case("repair", "410105", a2, dt.date(2026, 1, 1), status="closed")
    plan = SpotCheckPlan.objects.create(title="2026年度抽查", year=2026, authority=factories.region("410100"),
                                        base_rate=0.1, state="drawn")  # fmt: skip
    SpotCheck.objects.create(plan=plan, organization=a1, stratum="s", rate=0.1, reason="drawn", order=1,
                             onsite=False, result="no_problem", checked_on=dt.date(2026, 4, 1))  # fmt: skip
    SpotCheck.objects.create(
        plan=plan, organization=b1, stratum="s", rate=0.1, reason="drawn", order=2, onsite=False
    )
    check = CreditCheck.objects.create(
        number="HC-1", scenario="licensing", as_of=DAY, catalogue_version="t",
        made_at=timezone.make_aware(dt.datetime(2026, 4, 10, 10)), made_by_label="staff", channel="api",
        region_path=JINSHUI, subjects_count=3, answered_count=3, pairs_count=1, mandatory_count=0,
        subjects=b"", answer=b"", digest="x",
    )  # fmt: skip
    CheckFeedback.objects.create(check_row=check, subject_index=0, measure_code="m", outcome="applied",
                                 recorded_by_label="dept")  # fmt: skip
    return {"a1": a1, "a2": a2, "a3": a3, "c1": c1, "b1": b1, "street": street}
