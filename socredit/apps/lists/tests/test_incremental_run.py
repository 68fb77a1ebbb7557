"""The incremental daily run (增量日常运行) reads only the organizations whose facts changed or whose
date-driven transitions fell due, and decides exactly what a run over every candidate decides.

Crafted histories — entries at various clock ages, a restarted clock, a revoked certificate with a
later deregistration, new records and staff decisions on different days — are replayed day by day
(with skipped days) twice in one database, rolled back in between: once with incremental runs, once
with full runs. Proposals, decisions, entries and run counts must be identical."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from socredit.apps.lists import services
from socredit.apps.lists.models import ListDecision, ListEntry, ListProposal, ListRun, ListRunDue
from socredit.apps.lists.tests.conftest import confirm, without_notice
from socredit.testing import factories

pytestmark = pytest.mark.django_db

START = dt.date(2025, 6, 1)
DAYS = [START + dt.timedelta(days=i) for i in range(24)]
SKIPPED = {DAYS[5], DAYS[6], DAYS[11], DAYS[12], DAYS[13], DAYS[20]}


def _org(name: str) -> Any:
    o = factories.organization("410105", name=name)
    factories.role(o, factories.person("李法人"), "legal_rep", dt.date(2016, 1, 1))
    return o


def _record(org: Any, kind: str, occurred_on: dt.date, number: str) -> Any:
    return factories.record(org, kind, occurred_on=occurred_on, document_number=number)


def _listed(today_is: Callable[[dt.date], Any], actor: Any, org: Any, kind: str, occurred: dt.date,
            decided: dt.date, number: str) -> None:  # fmt: skip
    """``org`` listed for a record of ``kind`` that occurred on ``occurred``, decided on ``decided``."""
    today_is(decided)
    _record(org, kind, occurred, f"罚{number}")
    proposal = ListProposal.objects.filter(organization=org, status="proposed").latest("id")
    confirm(actor, proposal, decided, f"名{number}")


@pytest.fixture
def crafted(personas, civil_affairs, today_is):
    """Organizations with histories whose transitions fall due inside the span, and the facts that
    arrive day by day (keyed by day: a function run with the clock on that day)."""
    actor = personas["staff_jinshui"]
    orgs = {name: _org(f"增量运行测试{name}") for name in "ABCDEFGHQR"}
    # A: a warning (R1.6(5), no obligation): removed automatically six months after listing (R1.10(b))
    _listed(today_is, actor, orgs["A"], "penalty_warning", dt.date(2024, 11, 25), dt.date(2024, 12, 4), "A1")
    # B: annual report missing, listed two years before the span: the transfer (R1.11) falls due in it
    _listed(
        today_is, actor, orgs["B"], "annual_report_missing", dt.date(2023, 5, 20), dt.date(2023, 6, 3), "B1"
    )
    # C: listed as long ago as B, but a new ground restarted the clock (R1.9): no transfer in the span
    _listed(
        today_is, actor, orgs["C"], "annual_report_missing", dt.date(2023, 5, 1), dt.date(2023, 6, 2), "C1"
    )
    _listed(today_is, actor, orgs["C"], "penalty_warning", dt.date(2024, 1, 10), dt.date(2024, 1, 20), "C2")
    # D: certificate revoked (R1.12(7)): on the serious list until a deregistration (R1.14(c))
    _listed(
        today_is,
        actor,
        orgs["D"],
        "penalty_certificate_revoked",
        dt.date(2025, 3, 1),
        dt.date(2025, 3, 15),
        "D1",
    )
    # E: a warning before the span; a second one in it makes two within three years (R1.12(5))
    _listed(today_is, actor, orgs["E"], "penalty_warning", dt.date(2025, 2, 1), dt.date(2025, 2, 10), "E1")
    # Q: listed and removed long ago: nothing due, nothing changes (never read incrementally)
    _listed(today_is, actor, orgs["Q"], "penalty_warning", dt.date(2023, 6, 5), dt.date(2023, 6, 10), "Q1")
    today_is(dt.date(2024, 1, 20))
    services.daily_run(actor, dt.date(2024, 1, 20), full=True)
    assert ListEntry.objects.get(organization=orgs["Q"]).left_on == dt.date(2024, 1, 20)
    # R: a record dated inside the span, entered before it without the services (as a raw load
    # does: no proposal, no mark) — a candidate only from its date on
    today_is(DAYS[3])
    _record(orgs["R"], "annual_report_missing", DAYS[3], "R1")
    ListProposal.objects.filter(organization=orgs["R"]).delete()
    ListRunDue.objects.filter(organization=orgs["R"]).delete()
    ListRun.objects.all().delete()  # the span's first run is the first one: a full run in both replays

    def deregister_d() -> None:
        _record(orgs["D"], "deregistration", DAYS[4], "注D")

    def warn_e() -> None:
        _record(orgs["E"], "penalty_warning", DAYS[7], "罚E2")

    def new_f() -> None:  # a record dated a month back, entered today
        _record(orgs["F"], "annual_report_missing", DAYS[3] - dt.timedelta(days=30), "F1")

    def new_g() -> None:
        _record(orgs["G"], "penalty_warning", DAYS[1], "罚G1")

    def dismiss_g() -> None:
        p = ListProposal.objects.get(organization=orgs["G"], status="proposed")
        services.dismiss_proposal(actor, p, reason="情节轻微，不予列入", decided_on=DAYS[12])

    def confirm_f() -> None:
        confirm(actor, ListProposal.objects.get(organization=orgs["F"], status="proposed"), DAYS[9], "名F1")

    def dismiss_transfer_b() -> None:  # not decided this time: the next run proposes it again
        for p in ListProposal.objects.filter(organization=orgs["B"], status="proposed", ground="R1.12(1)"):
            services.dismiss_proposal(actor, p, reason="暂缓决定", decided_on=DAYS[14])

    def decide_transfer_b() -> None:
        for p in ListProposal.objects.filter(organization=orgs["B"], status="proposed", ground="R1.12(1)"):
            confirm(actor, p, DAYS[16], "名B2")

    def positive_h() -> None:  # a record no list ground reads
        _record(orgs["H"], "annual_report_on_time", DAYS[2], "H1")

    events = {DAYS[2]: [new_g, positive_h], DAYS[3]: [new_f], DAYS[7]: [deregister_d], DAYS[8]: [warn_e],
              DAYS[9]: [confirm_f], DAYS[12]: [dismiss_g], DAYS[14]: [dismiss_transfer_b], DAYS[16]: [decide_transfer_b]}  # fmt: skip
    return actor, orgs, events


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    def rec(r: Any) -> Any:
        return None if r is None else (r.organization.code, r.kind.code, r.occurred_on, r.document_number)

    return {
        "proposals": sorted(
            (
                p.organization.code,
                p.list,
                p.action,
                p.ground,
                rec(p.trigger_record),
                p.arose_on,
                p.status,
                p.needs_confirmation,
                p.notice_required,
                p.reason,
                p.decided_on,
                tuple(sorted(rec(r) for r in p.records.all())),
            )  # fmt: skip
            for p in ListProposal.objects.select_related("organization", "trigger_record__kind")
        ),
        "decisions": sorted(
            (
                d.organization.code,
                d.kind,
                d.list,
                d.ground,
                d.decided_on,
                d.document_number,
                d.automatic,
                d.reason,
                d.arose_on,
            )  # fmt: skip
            for d in ListDecision.objects.select_related("organization")
        ),
        "entries": sorted(
            (e.organization.code, e.list, e.ground, e.entered_on, e.clock_start, e.left_on, e.exit_ground)
            for e in ListEntry.objects.select_related("organization")
        ),
        "runs": [
            (r.as_of, {k: v for k, v in r.counts.items() if k != "organizations"})
            for r in ListRun.objects.order_by("id")
        ],
    }


def _replay(
    actor: Any, events: dict[dt.date, list[Callable[[], None]]], today_is: Any, *, full: bool
) -> list[ListRun]:
    runs = []
    for day in DAYS:
        today_is(day)
        for event in events.get(day, []):
            event()
        if day not in SKIPPED:
            runs.append(services.daily_run(actor, day, full=full))
    return runs


@pytest.mark.parametrize("notice", [True, False], ids=["with-prior-notice", "without-prior-notice"])
def test_incremental_runs_decide_what_full_runs_decide(crafted, today_is, monkeypatch, notice):
    actor, orgs, events = crafted
    if not notice:
        without_notice(monkeypatch)
    point = transaction.savepoint()
    incremental = _replay(actor, events, today_is, full=False)
    got = _snapshot()
    transaction.savepoint_rollback(point)
    assert not ListRun.objects.exists()
    full = _replay(actor, events, today_is, full=True)
    want = _snapshot()
    assert got == want
    # the span exercises every kind of step (else the equality above would prove little)
    totals = {k: sum(r.counts[k] for r in full) for k in ("proposals", "transfers", "removals")}
    # with prior notice the transfer is a proposal (R1.5), without it the run makes it
    assert totals["proposals"] >= 2 if notice else totals["transfers"] >= 1
    assert totals["removals"] >= 2
    assert any(e[2] == "R1.14(c)" for e in [(x[0], x[5], x[6]) for x in want["entries"]])
    assert any(p[0] == orgs["R"].code and p[5] == DAYS[3] for p in want["proposals"])
    # and the incremental runs were incremental after the first, reading far fewer organizations
    assert incremental[0].full and not any(r.full for r in incremental[1:])
    assert all(r.full for r in full)
    read = sum(r.counts["organizations"] for r in incremental[1:])
    assert read < sum(r.counts["organizations"] for r in full[1:]) / 3


def test_an_organization_with_no_change_and_nothing_due_is_not_read(crafted, today_is):
    actor, orgs, _events = crafted
    today_is(DAYS[0])
    first = services.daily_run(actor, DAYS[0])
    assert first.full and first.counts["organizations"] >= 5
    # A's automatic removal falls due six months after its listing: that is its next day to be read
    due = ListRunDue.objects.get(organization=orgs["A"]).due_on
    assert due == dt.date(2025, 6, 5)
    assert not ListRunDue.objects.filter(organization=orgs["Q"]).exists()
    today_is(DAYS[1])
    quiet = services.daily_run(actor, DAYS[1])
    assert not quiet.full and quiet.counts["organizations"] == 0
    _record(orgs["G"], "penalty_warning", DAYS[1], "罚G9")
    changed = services.daily_run(actor, DAYS[1])
    assert changed.counts["organizations"] == 1
    # a run after skipped days reads what fell due in them
    today_is(DAYS[6])
    late = services.daily_run(actor, DAYS[6])
    assert late.counts["removals"] == 1 and ListEntry.objects.get(organization=orgs["A"]).left_on == DAYS[6]
    assert services.daily_run(actor, DAYS[6]).counts == {
        "proposals": 0, "transfers": 0, "removals": 0, "red_removals": 0, "organizations": 0
    }  # fmt: skip
