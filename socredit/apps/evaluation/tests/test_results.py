"""Results are written only when they change: the per-organization digests kept in ResultBlock, and
what does and does not count as a change (a breakdown-only change does; a re-evaluation does not)."""

from __future__ import annotations

import dataclasses
from importlib import resources

import numpy as np
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from socredit.apps.evaluation import services, storage
from socredit.apps.evaluation.indicators import get_model, kind_ids, library
from socredit.apps.evaluation.models import BLOCK_SIZE, CreditScore, LevelChange, ResultBlock
from socredit.apps.evaluation.tests.conftest import (
    ago,
    assert_score_is_explained,
    fresh_digest,
    stored_digest,
)
from socredit.apps.records.services import create_records_batch
from socredit.apps.registry.models import Organization
from socredit.core.scoring.evaluate import NO_RULE, evaluate
from socredit.core.scoring.facts import empty_facts
from socredit.testing import factories

pytestmark = pytest.mark.django_db

REFERENCE = "reference-2026.1"


def row(org):
    s = CreditScore.objects.get(organization=org)
    return (s.score, s.level, s.cause, bytes(s.breakdown), s.as_of, s.run_id, s.evaluated_at)


def all_digests() -> dict[int, int]:
    out: dict[int, int] = {}
    for blob in ResultBlock.objects.values_list("digests", flat=True):
        packed = np.frombuffer(bytes(blob), dtype=storage.DIGEST_DTYPE)
        assert np.all(np.diff(packed["org_id"]) > 0), (
            "a block's digests are sorted by organization, once each"
        )
        out.update(zip(packed["org_id"].tolist(), packed["digest"].tolist(), strict=True))
    return out


def fresh_evaluation(ids, as_of=None, model_version=REFERENCE):
    kinds = kind_ids()
    facts = storage.record_facts(ids)
    return services._evaluate_orgs(
        ids, facts, as_of or services.today(), get_model(model_version, kinds=kinds), kinds
    )


# --- result_digests -----------------------------------------------------------------------------


def test_digest_differs_in_any_single_field_and_is_equal_for_equal_results(db):
    kinds = kind_ids()
    model = get_model(REFERENCE, kinds=kinds)
    # four organizations without records: four equal results (the org id is not part of the digest)
    base = evaluate(np.arange(1, 5, dtype=np.int64), empty_facts(), services.today(), model, kinds)
    digests = storage.result_digests(base)
    assert digests.dtype == np.uint64 and len(set(digests.tolist())) == 1
    assert np.array_equal(storage.result_digests(base), digests)  # deterministic

    def varied(**changes):
        arrays = {name: getattr(base, name).copy() for name in changes if name != "model"}
        for name, change in changes.items():
            if name != "model":
                change(arrays[name])
        other = dataclasses.replace(
            base, **arrays, **({"model": changes["model"]} if "model" in changes else {})
        )
        return storage.result_digests(other)

    def bump(a):
        a[1] += 1

    def set_level(a):
        a[1] = 3  # D

    def set_cause(a):
        a[1] = NO_RULE + 1  # the first level rule instead of the score

    def bump_points(j):
        def f(a):
            a[1, j] += 1

        return f

    def minus_points(a):
        a[1, 0] -= 2

    def bump_count(j):
        def f(a):
            a[1, j] += 1

        return f

    k = len(model.indicators)
    cases = {
        "score": varied(score=bump),
        "level": varied(level=set_level),
        "cause": varied(cause=set_cause),
        "points of the first indicator": varied(points=bump_points(0)),
        "points of the last indicator": varied(points=bump_points(k - 1)),
        "negative points": varied(points=minus_points),
        "count of the first indicator": varied(counts=bump_count(0)),
        "count of the last indicator": varied(counts=bump_count(k - 1)),
    }
    shipped = resources.files("socredit.core.scoring").joinpath(f"models/{REFERENCE}.toml").read_text("utf-8")
    renamed = library().check_text(
        shipped.replace(f'version = "{REFERENCE}"', 'version = "test-renamed-1"'), source="test"
    )
    cases["model version"] = varied(model=renamed)
    for what, changed in cases.items():
        # only organization 2 (position 1) differs; the others keep the digest of the equal results
        assert changed[1] != digests[1], f"a different {what} gives the same digest"
        assert np.array_equal(np.delete(changed, 1), np.delete(digests, 1)) or what == "model version", what
    assert set(cases["model version"].tolist()) != set(digests.tolist())
    # a +2 in one indicator and a -2 in another: same score, different breakdown, different digest
    pts = base.points.copy()
    pts[1, 0], pts[1, 1] = 2, -2
    cancel = storage.result_digests(dataclasses.replace(base, points=pts))
    assert cancel[1] != digests[1]
    # all the variants differ from each other too
    seconds = [int(c[1]) for c in cases.values()] + [int(cancel[1])]
    assert len(set(seconds)) == len(seconds)


# --- what is written ----------------------------------------------------------------------------


def test_breakdown_only_change_in_one_go_rewrites_the_row(personas, civil_affairs):
    """Two on-time reports (+4) and a late one (-4) in one batch: same score and level, other breakdown."""
    org = factories.organization("410105")
    factories.record(org, "penalty_fine", amount="60000", occurred_on=ago(30))  # -20 → 55 C: scored live
    before = row(org)
    changes = LevelChange.objects.filter(organization=org).count()
    item = {"organization": org.code, "department": civil_affairs.code, "occurred_on": ago(10)}
    result = create_records_batch(actor=personas["staff_jinshui"], channel="api", items=[
        {**item, "kind": "annual_report_on_time", "document_number": "报-1"},
        {**item, "kind": "annual_report_on_time", "document_number": "报-2"},
        {**item, "kind": "annual_report_late", "document_number": "报-3"},
    ])  # fmt: skip
    assert len(result["created"]) == 3 and result["errors"] == []
    after = row(org)
    assert after[:3] == before[:3] == (55, "C", "score")
    assert after[3] != before[3], "the breakdown changed"
    assert after[6] > before[6], "the row was written again"
    assert LevelChange.objects.filter(organization=org).count() == changes  # the level did not move
    assert_score_is_explained(org)


def test_count_only_change_rewrites_and_a_record_that_does_not_count_does_not(personas, civil_affairs):
    org = factories.organization("410105")
    for i in range(3):  # 3 × 2 = 6, the cap of the indicator: 81 B
        factories.record(org, "annual_report_on_time", occurred_on=ago(30 + 365 * i))
    capped = row(org)
    assert capped[:3] == (81, "B", "score")
    # a fourth report: still 6 points, but 4 records counted
    factories.record(org, "annual_report_on_time", occurred_on=ago(10))
    fourth = row(org)
    assert fourth[:3] == capped[:3] and fourth[3] != capped[3] and fourth[6] > capped[6]
    assert_score_is_explained(org)
    # a report outside the indicator's 36-month window changes the facts, not the result: no write
    factories.record(org, "annual_report_on_time", occurred_on=ago(365 * 4))
    assert row(org) == fourth
    assert LevelChange.objects.filter(organization=org).count() == 1  # the first score only
    assert_score_is_explained(org)


def test_write_results_compares_the_whole_result(population):
    """At the storage level, with an evaluation changed by hand: +2/-2 in two indicators is a change."""
    orgs = population
    ids = sorted(o.pk for o in orgs.values())
    evaluation = fresh_evaluation(ids)
    at = timezone.now()
    with transaction.atomic():
        assert storage.write_results(evaluation, trigger="t", at=at) == 1  # the clean one, first score
    rows = {o.pk: row(o) for o in orgs.values()}
    assert {i for i, r in rows.items() if r[6] == at} == {orgs["clean"].pk}
    with transaction.atomic():  # the same again: nothing written
        assert storage.write_results(evaluation, trigger="t", at=timezone.now()) == 0
    assert {o.pk: row(o) for o in orgs.values()} == rows

    i = int(np.searchsorted(evaluation.org_ids, orgs["fined"].pk))
    points = evaluation.points.copy()
    points[i, 0] += 2
    points[i, 1] -= 2
    shifted = dataclasses.replace(evaluation, points=points)
    later = timezone.now()
    with transaction.atomic():
        assert storage.write_results(shifted, trigger="t", at=later) == 0  # no level change
    fined = row(orgs["fined"])
    assert fined[:3] == rows[orgs["fined"].pk][:3] and fined[6] == later
    pairs = storage.decode_breakdown(
        CreditScore.objects.get(organization=orgs["fined"]).breakdown, len(evaluation.model.indicators)
    )
    assert [p for p, _ in pairs[:2]] == points[i, :2].tolist()
    assert {o.pk: row(o) for o in orgs.values() if o != orgs["fined"]} == {
        k: v for k, v in rows.items() if k != orgs["fined"].pk
    }
    assert stored_digest(orgs["fined"].pk) == int(storage.result_digests(shifted)[i])


def test_without_digests_everything_is_written_once_and_no_level_history(population, cli):
    """A database from before ResultBlock (or one whose digests were lost) rewrites every row once."""
    services.run_evaluation(actor=cli, channel="cli")
    ResultBlock.objects.all().delete()
    changes = LevelChange.objects.count()
    run = services.run_evaluation(actor=cli, channel="cli")
    assert run.changed == 0 and LevelChange.objects.count() == changes
    assert set(CreditScore.objects.filter(run=run).values_list("organization_id", flat=True)) == {
        o.pk for o in population.values()
    }
    again = services.run_evaluation(actor=cli, channel="cli")
    assert not CreditScore.objects.filter(run=again).exists()


# --- the digests kept ---------------------------------------------------------------------------


def test_result_blocks_after_live_updates_equal_a_fresh_evaluation(population, many_orgs, cli, civil_affairs):
    bulk = many_orgs(600)  # several blocks
    services.run_evaluation(actor=cli, channel="cli")
    ids = sorted(Organization.objects.values_list("id", flat=True))
    assert len({i // BLOCK_SIZE for i in ids}) >= 3
    assert all_digests() == dict(
        zip(ids, storage.result_digests(fresh_evaluation(ids)).tolist(), strict=True)
    )

    # live updates: in a block shared with other organizations, and in another block
    neighbour = bulk[1]
    untouched = stored_digest(neighbour.pk)
    factories.record(bulk[0], "penalty_fine", amount="60000", occurred_on=ago(5))
    factories.record(bulk[-1], "commendation_national", occurred_on=ago(5))
    factories.record(population["graded"], "penalty_warning", occurred_on=ago(5))
    assert stored_digest(neighbour.pk) == untouched
    for org in (bulk[0], bulk[-1], population["graded"]):
        assert stored_digest(org.pk) == fresh_digest(org.pk, services.today(), REFERENCE)
    assert all_digests() == dict(
        zip(ids, storage.result_digests(fresh_evaluation(ids)).tolist(), strict=True)
    )
    assert_score_is_explained(bulk[0], bulk[-1], neighbour, *population.values())


def test_many_blocks_are_read_by_range(population, many_orgs, cli, monkeypatch):
    """Over IN_CLAUSE blocks the stored digests are read by range; the result is the same."""
    many_orgs(600)
    ids = sorted(Organization.objects.values_list("id", flat=True))
    fresh = fresh_evaluation(ids)
    expected = dict(zip(ids, storage.result_digests(fresh).tolist(), strict=True))
    ends = fresh_evaluation([ids[0], ids[-1]])
    assert ids[-1] // BLOCK_SIZE - ids[0] // BLOCK_SIZE >= 2, "the test needs a block between the two"
    monkeypatch.setattr(storage, "IN_CLAUSE", 1)
    first = services.run_evaluation(actor=cli, channel="cli")
    assert CreditScore.objects.count() == len(ids) and first.changed == len(ids) - 4
    assert all_digests() == expected
    again = services.run_evaluation(actor=cli, channel="cli")
    assert again.changed == 0 and not CreditScore.objects.filter(run=again).exists()
    # two organizations blocks apart: the range covers the blocks between, which are kept as they are
    moved = dataclasses.replace(ends, score=ends.score + 1)
    kept = {b: bytes(d) for b, d in ResultBlock.objects.values_list("block", "digests")}
    with transaction.atomic():
        storage.write_results(moved, trigger="t", at=timezone.now())
    expected.update(zip([ids[0], ids[-1]], storage.result_digests(moved).tolist(), strict=True))
    assert all_digests() == expected
    now = {b: bytes(d) for b, d in ResultBlock.objects.values_list("block", "digests")}
    between = set(kept) - {ids[0] // BLOCK_SIZE, ids[-1] // BLOCK_SIZE}
    assert between and {b: now[b] for b in between} == {b: kept[b] for b in between}
    assert dict(CreditScore.objects.filter(organization_id__in=[ids[0], ids[-1]]).values_list(
        "organization_id", "score")) == dict(zip([ids[0], ids[-1]], moved.score.tolist(), strict=True))  # fmt: skip


@pytest.mark.skipif(not connection.features.has_select_for_update, reason="no row locks on this database")
def test_stored_digests_are_read_under_a_row_lock(population):
    evaluation = fresh_evaluation([population["fined"].pk])
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        storage.write_results(evaluation, trigger="t", at=timezone.now())
    reads = [
        q["sql"] for q in queries if ResultBlock._meta.db_table in q["sql"] and q["sql"].startswith("SELECT")
    ]
    assert reads and all("FOR UPDATE" in sql for sql in reads)
