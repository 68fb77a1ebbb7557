"""Batch runs: every organization scored, counts, idempotence, past dates, regions, restart after a
failure, input checks, list memberships, and the indicator model as data."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from importlib import resources

import numpy as np
import polars as pl
import pytest

from socredit.apps.evaluation import hooks, services, storage
from socredit.apps.evaluation.indicators import UnknownModel, get_model, kind_ids, library
from socredit.apps.evaluation.models import BLOCK_SIZE, CreditScore, EvaluationRun, LevelChange, ResultBlock
from socredit.apps.evaluation.tests.conftest import ago, assert_score_is_explained
from socredit.apps.registry.models import Organization
from socredit.core.scoring.evaluate import EvaluationInputError, evaluate
from socredit.core.scoring.facts import MEMBERSHIP_SCHEMA, OPEN_END, day_number
from socredit.testing import factories

pytestmark = pytest.mark.django_db

REFERENCE = "reference-2026.1"


def stored_levels(**filters):
    return dict(CreditScore.objects.filter(**filters).values_list("organization_id", "level"))


def stored_rows(**filters):
    """Every stored result with when it was written: {org id: (score, level, cause, breakdown, as_of, run, at)}."""
    return {
        s.organization_id: (s.score, s.level, s.cause, bytes(s.breakdown), s.as_of, s.run_id, s.evaluated_at)
        for s in CreditScore.objects.filter(**filters)
    }


def written_by(run):
    return set(CreditScore.objects.filter(run=run).values_list("organization_id", flat=True))


def live_scored(population):
    """The population's organizations the live path scored (all but the one without records)."""
    return {org.pk for name, org in population.items() if name != "clean"}


def test_run_scores_every_organization(population, cli):
    orgs = population
    assert not CreditScore.objects.filter(organization=orgs["clean"]).exists()  # no record, never scored live
    live_changes = LevelChange.objects.count()
    live = stored_rows()
    assert set(live) == live_scored(orgs)

    run = services.run_evaluation(actor=cli, channel="cli")

    assert run.status == EvaluationRun.Status.DONE and run.finished_at is not None and run.error == ""
    assert run.model_version == REFERENCE and run.as_of == services.today()
    everyone = set(Organization.objects.values_list("id", flat=True))
    assert set(CreditScore.objects.values_list("organization_id", flat=True)) == everyone
    assert run.organizations == len(everyone) == 5
    # only the clean organization's result changed (it had none); the live results were current and
    # keep the rows the live path wrote (run None, evaluated_at of the record change)
    assert written_by(run) == {orgs["clean"].pk}
    assert {k: v for k, v in stored_rows().items() if k in live} == live
    assert_score_is_explained(*orgs.values())
    model = get_model(REFERENCE)
    clean = CreditScore.objects.get(organization=orgs["clean"])
    assert (clean.score, clean.level, clean.cause) == (model.base, model.level_for(model.base), "score")
    assert stored_levels() == {
        orgs["clean"].pk: "B", orgs["fined"].pk: "C", orgs["graded"].pk: "A", orgs["bad"].pk: "D",
        orgs["xinzheng"].pk: "C",
    }  # fmt: skip
    # counts per level are those stored, with every level present
    assert run.level_counts == {code: Counter(stored_levels().values())[code] for code in "ABCD"}
    # only the clean organization got a new level (its first); the others were already current
    assert run.changed == 1 and LevelChange.objects.count() == live_changes + 1
    first = LevelChange.objects.get(organization=orgs["clean"])
    assert (first.from_level, first.to_level, first.run_id) == ("", "B", run.pk)
    assert first.trigger == f"批量评价（{run.as_of:%Y-%m-%d}）"


def test_a_large_chunk_is_written_in_full(population, many_orgs, cli):
    """Over 500 results: the multi-row statements on SQLite (full and partial), COPY on PostgreSQL."""
    bulk = many_orgs(1234)
    run = services.run_evaluation(actor=cli, channel="cli")
    assert run.organizations == 1239 and run.changed == 1235  # the bulk organizations and the clean one
    assert CreditScore.objects.count() == 1239
    assert written_by(run) == {o.pk for o in bulk} | {population["clean"].pk}  # the others were current
    assert set(CreditScore.objects.filter(organization__in=bulk).values_list("score", "level", "cause")) == {
        (75, "B", "score")
    }
    assert_score_is_explained(bulk[0], bulk[500], bulk[-1], *population.values())


def test_second_run_on_the_same_date_writes_nothing(population, many_orgs, cli):
    many_orgs(700)  # over 500: the multi-row statements would be used if anything were written
    first = services.run_evaluation(actor=cli, channel="cli")
    before = (LevelChange.objects.count(), stored_rows())
    digests = dict(ResultBlock.objects.values_list("block", "digests"))
    assert len(before[1]) == 705 and written_by(first)

    again = services.run_evaluation(actor=cli, channel="cli")
    assert again.status == EvaluationRun.Status.DONE
    assert again.changed == 0 and again.organizations == 705
    assert again.level_counts == first.level_counts  # it evaluated everyone, and counts them all
    # not a row written: run, evaluated_at, as_of and the result of every organization are as before
    assert (LevelChange.objects.count(), stored_rows()) == before
    assert not written_by(again) and not LevelChange.objects.filter(run=again).exists()
    assert {b: bytes(d) for b, d in ResultBlock.objects.values_list("block", "digests")} == {
        b: bytes(d) for b, d in digests.items()
    }


def test_run_as_of_an_earlier_date_gives_the_scores_of_that_date(population, cli):
    orgs = population
    day = ago(60)  # before the fines (30 days ago) and the warning (20), after the 5A grade (400)
    run = services.run_evaluation(actor=cli, channel="cli", as_of=day)
    assert run.as_of == day
    assert_score_is_explained(*orgs.values(), as_of=day)
    assert stored_levels() == {
        orgs["clean"].pk: "B", orgs["fined"].pk: "B", orgs["graded"].pk: "A", orgs["bad"].pk: "B",
        orgs["xinzheng"].pk: "B",
    }  # fmt: skip
    assert set(CreditScore.objects.values_list("score", flat=True)) == {75, 90}
    # the graded organization's result is the same on both dates: it keeps its live row
    assert written_by(run) == {o.pk for name, o in orgs.items() if name != "graded"}
    graded = CreditScore.objects.get(organization=orgs["graded"])
    assert (graded.run_id, graded.as_of) == (None, services.today())
    moved = LevelChange.objects.filter(run=run)
    assert {(c.organization_id, c.from_level, c.to_level) for c in moved} == {
        (orgs["clean"].pk, "", "B"), (orgs["fined"].pk, "C", "B"), (orgs["bad"].pk, "D", "B"),
        (orgs["xinzheng"].pk, "C", "B"),
    }  # fmt: skip
    assert {c.as_of for c in moved} == {day}
    # and back to today: the records count again; the clean organization's result is that of the
    # earlier date, which is when it was first reached
    back = services.run_evaluation(actor=cli, channel="cli")
    assert_score_is_explained(*orgs.values())
    assert written_by(back) == {orgs["fined"].pk, orgs["bad"].pk, orgs["xinzheng"].pk}
    assert CreditScore.objects.get(organization=orgs["clean"]).as_of == day


def test_region_run_touches_only_that_region(population, cli):
    orgs = population
    day = ago(60)  # before the fines: 新郑市's and two of 金水区's results differ on that day
    before = stored_rows()
    run = services.run_evaluation(actor=cli, channel="cli", region=factories.region("410184"), as_of=day)
    assert run.organizations == 1 and run.region.code == "410184" and run.changed == 1
    assert written_by(run) == {orgs["xinzheng"].pk}
    assert_score_is_explained(orgs["xinzheng"], as_of=day)
    after = stored_rows()
    assert {k: v for k, v in after.items() if k != orgs["xinzheng"].pk} == {
        k: v for k, v in before.items() if k != orgs["xinzheng"].pk
    }
    assert not CreditScore.objects.filter(organization=orgs["clean"]).exists()
    # a city run covers its districts: 金水区 and 新郑市 are both under 郑州市
    city = services.run_evaluation(actor=cli, channel="cli", region=factories.region("410100"), as_of=day)
    assert city.organizations == 5
    assert written_by(city) == {orgs["clean"].pk, orgs["fined"].pk, orgs["bad"].pk}
    assert_score_is_explained(*orgs.values(), as_of=day)


def test_failed_run_keeps_finished_chunks_and_resumes(population, many_orgs, cli, monkeypatch):
    many_orgs(600)
    monkeypatch.setattr(services, "CHUNK_ORGS", BLOCK_SIZE)
    ids = sorted(Organization.objects.values_list("id", flat=True))
    chunks = sorted({i // BLOCK_SIZE for i in ids})
    assert len(chunks) >= 3, "the test needs several chunks"
    first_chunk = [i for i in ids if i // BLOCK_SIZE == chunks[0]]

    real_write = storage.write_results
    written: list[list[int]] = []
    calls = Counter()

    def flaky_write(evaluation, **kwargs):
        calls["write"] += 1
        if calls["write"] == 2:
            raise RuntimeError("数据库连接中断")
        written.append(evaluation.org_ids.tolist())
        return real_write(evaluation, **kwargs)

    monkeypatch.setattr(storage, "write_results", flaky_write)
    run = services.start_run(actor=cli, channel="cli")
    with pytest.raises(RuntimeError, match="数据库连接中断"):
        services.execute_run(run)

    run.refresh_from_db()
    assert run.status == EvaluationRun.Status.FAILED and run.error == "数据库连接中断"
    assert run.finished_at is None
    assert (run.chunks_done, run.organizations, run.resume_after) == (1, len(first_chunk), first_chunk[-1])
    live = live_scored(population)
    assert live <= set(first_chunk), "the population is in the first chunk"
    assert set(CreditScore.objects.filter(organization_id__in=first_chunk).values_list(
        "organization_id", flat=True)) == set(first_chunk)  # fmt: skip
    assert written_by(run) == set(first_chunk) - live  # the live results were current
    assert not CreditScore.objects.exclude(organization_id__in=first_chunk).exists()
    assert sum(run.level_counts.values()) == len(first_chunk)
    first_written = dict(CreditScore.objects.filter(organization_id__in=first_chunk).values_list(
        "organization_id", "evaluated_at"))  # fmt: skip

    written.clear()
    progress: list[tuple[int, int, str]] = []

    def note(done, total):  # while it resumes, the run reads as running, not as the old failure
        progress.append((done, total, EvaluationRun.objects.get(pk=run.pk).status))

    run = services.execute_run(run, progress=note)
    run.refresh_from_db()
    assert run.status == EvaluationRun.Status.DONE and run.error == "" and run.finished_at is not None
    # the resumed run started after the first chunk and never wrote it again
    assert written[0][0] > first_chunk[-1]
    assert not set(first_chunk) & {i for chunk in written for i in chunk}
    assert dict(CreditScore.objects.filter(organization_id__in=first_chunk).values_list(
        "organization_id", "evaluated_at")) == first_written  # fmt: skip
    assert (run.organizations, run.chunks_done) == (len(ids), len(chunks))
    assert progress[-1][:2] == (len(ids), len(ids)) and progress[0][0] > len(first_chunk)
    assert {status for *_, status in progress} == {EvaluationRun.Status.RUNNING}
    assert set(CreditScore.objects.values_list("organization_id", flat=True)) == set(ids)
    assert written_by(run) == set(ids) - live
    assert CreditScore.objects.filter(organization_id__in=live, run=None).count() == len(live)
    assert run.level_counts == {code: Counter(stored_levels().values())[code] for code in "ABCD"}
    # every organization never scored before got exactly one level change from this run, never two
    unscored = set(ids) - {o.pk for o in population.values()} | {population["clean"].pk}
    by_run = Counter(LevelChange.objects.filter(run=run).values_list("organization_id", flat=True))
    assert set(by_run) == unscored and set(by_run.values()) == {1} and run.changed == len(unscored)
    # a finished run is not executed again
    assert services.execute_run(run).chunks_done == len(chunks)


def test_retry_with_the_same_object_after_a_failed_chunk_skips_nothing(
    population, many_orgs, cli, monkeypatch
):
    """A chunk whose bookkeeping failed is rolled back; retrying with the caller's copy redoes it."""
    many_orgs(300)
    monkeypatch.setattr(services, "CHUNK_ORGS", BLOCK_SIZE)
    ids = sorted(Organization.objects.values_list("id", flat=True))
    real_save = EvaluationRun.save

    def save_failing_on_second_chunk(self, *args, **kwargs):
        if self.chunks_done == 2 and not kwargs.get("update_fields"):
            raise RuntimeError("写入批次失败")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(EvaluationRun, "save", save_failing_on_second_chunk)
    run = services.start_run(actor=cli, channel="cli")
    with pytest.raises(RuntimeError, match="写入批次失败"):
        services.execute_run(run)
    assert run.status == EvaluationRun.Status.FAILED and run.error == "写入批次失败"
    monkeypatch.setattr(EvaluationRun, "save", real_save)
    services.execute_run(run)  # the same object, whose counters the failed chunk had moved on
    run.refresh_from_db()
    assert run.status == EvaluationRun.Status.DONE and run.organizations == len(ids)
    assert set(CreditScore.objects.values_list("organization_id", flat=True)) == set(ids)
    live = live_scored(population)
    assert written_by(run) == set(ids) - live
    assert sum(run.level_counts.values()) == len(ids)
    # the rolled-back chunk was written once, on the retry: one first level per unscored organization
    by_run = Counter(LevelChange.objects.filter(run=run).values_list("organization_id", flat=True))
    assert set(by_run) == set(ids) - live and set(by_run.values()) == {1} and run.changed == len(by_run)
    assert_score_is_explained(*population.values())


def test_start_run_refuses_bad_inputs_with_clear_messages(cli):
    tomorrow = services.today() + dt.timedelta(days=1)
    with pytest.raises(EvaluationInputError, match="晚于今天.*不能评价未来"):
        services.start_run(actor=cli, channel="cli", as_of=tomorrow)
    with pytest.raises(EvaluationInputError, match="1999-12-31 早于 2000-01-01"):
        services.start_run(actor=cli, channel="cli", as_of=dt.date(1999, 12, 31))
    with pytest.raises(UnknownModel, match="未知的评价模型版本 “reference-1999.1”，可用：.*reference-2026.1"):
        services.start_run(actor=cli, channel="cli", model_version="reference-1999.1")
    assert not EvaluationRun.objects.exists()
    run = services.start_run(actor=cli, channel="cli", as_of=dt.date(2000, 1, 1))
    assert run.status == EvaluationRun.Status.RUNNING and run.organizations == 0


@pytest.fixture
def lists():
    """A membership source the test fills: {list name: [org id, …]}, on the list since 2000."""
    members: dict[str, list[int]] = {}

    def source(lo, hi, ids):
        rows = [
            (org, name, day_number(dt.date(2000, 1, 1)), OPEN_END)
            for name, orgs in members.items()
            for org in orgs
            if lo <= org < hi and (ids is None or org in set(ids.tolist()))
        ]
        return pl.DataFrame(rows, schema=MEMBERSHIP_SCHEMA, orient="row")

    hooks.register_membership_source("test-lists", source)
    yield members
    hooks.unregister_membership_source("test-lists")


def test_serious_list_member_is_D_whatever_its_score(population, cli, lists):
    orgs = population
    lists["serious"] = [orgs["graded"].pk]  # 90 points, A by score and by its 5A grade
    lists["abnormal"] = [orgs["clean"].pk]  # 75 points, B by score
    run = services.run_evaluation(actor=cli, channel="cli")
    graded = CreditScore.objects.get(organization=orgs["graded"])
    assert (graded.score, graded.level, graded.cause) == (90, "D", "serious_list")
    clean = CreditScore.objects.get(organization=orgs["clean"])
    assert (clean.score, clean.level, clean.cause) == (75, "C", "abnormal_list")
    change = LevelChange.objects.get(organization=orgs["graded"], run=run)
    assert (change.from_level, change.to_level, change.cause) == ("A", "D", "serious_list")
    assert_score_is_explained(*orgs.values())  # the explanation sees the same lists
    # the live path reads the lists too: a new good record does not lift it out of D
    factories.record(orgs["graded"], "commendation_national", occurred_on=ago(3))
    graded.refresh_from_db()
    assert (graded.score, graded.level) == (98, "D")
    # off the list, the score decides again
    lists.clear()
    services.run_evaluation(actor=cli, channel="cli")
    assert stored_levels()[orgs["graded"].pk] == "A" and stored_levels()[orgs["clean"].pk] == "B"


def test_the_model_is_data_one_changed_value_changes_the_result(population):
    org = population["xinzheng"]  # one fine of class 一般: -8 → 67 C
    shipped = resources.files("socredit.core.scoring").joinpath(f"models/{REFERENCE}.toml").read_text("utf-8")
    old = 'kinds = ["penalty_fine", "penalty_confiscation"]\npoints = -8\n'
    assert shipped.count(old) == 1
    changed = library().check_text(
        shipped.replace(old, old.replace("points = -8", "points = -2")).replace(
            'version = "reference-2026.1"', 'version = "test-fine-2"'
        ),
        source="test",
    )
    assert changed.indicator("penalty_fine").points == -2

    kinds = kind_ids()
    ids = np.asarray([org.pk], dtype=np.int64)
    facts = storage.record_facts(ids.tolist())
    members = hooks.memberships(org.pk, org.pk + 1, ids)
    before = evaluate(ids, facts, services.today(), get_model(REFERENCE), kinds, members).explain(org.pk)
    after = evaluate(ids, facts, services.today(), changed, kinds, members).explain(org.pk)
    stored = CreditScore.objects.get(organization=org)
    assert (before.score, before.level) == (stored.score, stored.level) == (67, "C")
    assert (after.score, after.level) == (73, "B")


def test_a_run_whose_model_is_gone_fails_instead_of_staying_running(population, cli):
    run = services.start_run(actor=cli, channel="cli")
    EvaluationRun.objects.filter(pk=run.pk).update(model_version="withdrawn-2025.1")  # file removed since
    with pytest.raises(UnknownModel, match="withdrawn-2025.1"):
        services.execute_run(run)
    run.refresh_from_db()
    assert run.status == EvaluationRun.Status.FAILED and "未知的评价模型版本 “withdrawn-2025.1”" in run.error
    assert not CreditScore.objects.filter(run=run).exists()
