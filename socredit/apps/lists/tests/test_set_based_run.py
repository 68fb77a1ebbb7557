"""The daily run writes as sets (``bulk_proposals.write_proposals``) exactly the rows the one-at-a-time
path wrote (``propose`` and a transfer proposal per core proposal), and a department that moves to
another region marks the organizations it decides for, so that the next incremental run reads them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction

from socredit.apps.lists import services
from socredit.apps.lists.models import ListProposal, ListRun, ListRunDue
from socredit.apps.lists.services import daily as daily_module
from socredit.apps.lists.services.bulk_proposals import TRANSFER_GROUND, TRANSFER_NOTE
from socredit.apps.lists.services.proposals import open_proposal, propose
from socredit.apps.lists.tests.conftest import without_notice
from socredit.apps.lists.tests.test_incremental_run import DAYS, SKIPPED, _snapshot, crafted  # noqa: F401
from socredit.apps.registry.models import Department
from socredit.core.lists import SERIOUS
from socredit.core.lists.engine import TRANSFER
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def _one_at_a_time(proposals: Any) -> list[ListProposal]:
    """The writes as the daily run made them before it wrote sets: a check and a create per proposal."""
    made = []
    for p in proposals:
        if p.action == TRANSFER:
            if open_proposal(p.org_id, SERIOUS, TRANSFER_GROUND, None) is not None:
                continue
            row = ListProposal.objects.create(
                organization_id=p.org_id, list=SERIOUS, action=TRANSFER, ground=TRANSFER_GROUND,
                arose_on=p.due_on, needs_confirmation=False, notice_required=True, reason=p.reason,
                note=TRANSFER_NOTE,
            )  # fmt: skip
            row.records.set(p.record_ids)
            made.append(row)
        elif (row := propose(p)) is not None:
            made.append(row)
    return made


def _rows() -> list[tuple[Any, ...]]:
    """Every proposal with the queue's copies (region, trigger kind), which ``_snapshot`` leaves out;
    records by their document numbers (ids are not rolled back on PostgreSQL)."""
    return sorted(
        (p.organization.code, p.ground, p.trigger_record.document_number if p.trigger_record else None,
         p.region_id, p.trigger_kind_id, p.status, p.note,
         tuple(sorted(p.records.values_list("document_number", flat=True))))
        for p in ListProposal.objects.select_related("organization", "trigger_record")
    )  # fmt: skip


def _replay(actor: Any, events: Any, today_is: Any) -> tuple[dict[str, Any], list[Any]]:
    for day in DAYS:
        today_is(day)
        for event in events.get(day, []):
            event()
        if day not in SKIPPED:
            services.daily_run(actor, day, full=True)
    return _snapshot(), _rows()


@pytest.mark.parametrize("notice", [True, False], ids=["with-prior-notice", "without-prior-notice"])
def test_set_based_writes_equal_one_at_a_time_writes(crafted, today_is, monkeypatch, notice):  # noqa: F811
    actor, _orgs, events = crafted
    if not notice:
        without_notice(monkeypatch)
    point = transaction.savepoint()
    got = _replay(actor, events, today_is)
    transaction.savepoint_rollback(point)
    assert not ListRun.objects.exists()
    with monkeypatch.context() as m:
        m.setattr(daily_module, "write_proposals", _one_at_a_time)
        want = _replay(actor, events, today_is)
    assert got == want
    assert len(got[1]) >= 3  # proposals were written (else the equality proves little)
    assert all(row[3] is not None for row in got[1])  # every proposal has the queue's region copy


def test_a_second_run_writes_no_proposal_twice(crafted, today_is):  # noqa: F811
    actor, _orgs, events = crafted
    for day in DAYS[:4]:
        today_is(day)
        for event in events.get(day, []):
            event()
    first = services.daily_run(actor, DAYS[3], full=True)
    count = ListProposal.objects.count()
    again = services.daily_run(actor, DAYS[3], full=True)
    assert first.counts["proposals"] >= 1
    assert again.counts["proposals"] == 0 and ListProposal.objects.count() == count


def test_a_department_moving_region_marks_the_organizations_it_decides_for(db, today_is):
    today_is(dt.date(2025, 6, 1))
    tax = factories.department("zz-swj", "郑州市税务局", "410100")
    given = factories.organization("410105", name="部门迁移测试甲")
    registered = factories.organization(
        "410105", name="部门迁移测试乙", registration_authority="郑州市税务局"
    )
    other = factories.organization("410105", name="部门迁移测试丙")
    factories.record(given, "penalty_warning", occurred_on=dt.date(2025, 5, 1), department=tax.code)
    factories.record(other, "penalty_warning", occurred_on=dt.date(2025, 5, 1))
    ListRunDue.objects.all().delete()
    tax.active = True
    tax.save()  # the same region: nothing to read again
    assert not ListRunDue.objects.exists()
    moved = Department.objects.get(pk=tax.pk)
    moved.region = factories.region("410184")
    moved.save()
    marked = set(ListRunDue.objects.values_list("organization_id", "due_on"))
    assert marked == {(given.pk, ListRunDue.CHANGED), (registered.pk, ListRunDue.CHANGED)}


def test_incremental_red_removals_equal_full_ones(personas, civil_affairs, today_is):
    """Red-list members are read on a change of their facts (a new negative record), on a drop of their
    stored level (which the evaluation writes without marking) and on the days their criteria can
    change by the calendar; a member with none of these is not read, and the removals are those of
    full runs."""
    from socredit.apps.evaluation.models import CreditScore
    from socredit.apps.lists.models import ListEntry

    actor = personas["staff_jinshui"]
    base = services.today()
    members = {}
    for name in ("降级", "新罚", "无变化"):
        o = factories.organization("410105", name=f"红名单增量{name}")
        factories.record(o, "grade_5a", occurred_on=base - dt.timedelta(days=400))
        factories.record(o, "commitment_signed", occurred_on=base - dt.timedelta(days=300))
        members[name] = o
    for i, p in enumerate(services.red_list_publication(actor, base.year), start=1):
        services.confirm_red(actor, p, document_number=f"红〔{base.year}〕{i}号", decided_on=base)
    assert ListEntry.objects.filter(list="red", left_on__isnull=True).count() == 3
    days = [base + dt.timedelta(days=i) for i in range(1, 6)]
    events = {
        days[1]: lambda: CreditScore.objects.filter(organization=members["降级"]).update(level="B"),
        days[2]: lambda: factories.record(
            members["新罚"], "penalty_warning", occurred_on=days[2], document_number="红名单增量罚1"
        ),
    }

    def replay(full: bool) -> tuple[Any, list[Any]]:
        runs = []
        for day in days:
            today_is(day)
            if day in events:
                events[day]()
            runs.append(services.daily_run(actor, day, full=full))
        left = sorted(
            (e.organization.name, e.left_on)
            for e in ListEntry.objects.filter(list="red").select_related("organization")
        )
        return _snapshot(), [left, [r.counts["red_removals"] for r in runs]]

    point = transaction.savepoint()
    got = replay(full=False)
    transaction.savepoint_rollback(point)
    want = replay(full=True)
    assert got == want
    assert got[1][0] == sorted(
        [("红名单增量降级", days[1]), ("红名单增量新罚", days[2]), ("红名单增量无变化", None)]
    )
    assert got[1][1] == [0, 1, 1, 0, 0]
