"""`socredit evaluate`: list models, date, model, region, bad input, resume, rebuild the facts."""

from __future__ import annotations

import datetime as dt
import io
from importlib import resources

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from socredit.apps.evaluation import services, storage
from socredit.apps.evaluation.models import CreditScore, EvaluationRun, FactBlock, LevelChange
from socredit.apps.evaluation.tests.conftest import ago, assert_block_consistent, assert_score_is_explained
from socredit.apps.registry.models import Organization
from socredit.common.choices import label_for
from socredit.core.types import OrgField, OrgStatus, OrgType
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def evaluate(*args: str) -> str:
    out = io.StringIO()
    call_command("evaluate", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def last_run() -> EvaluationRun:
    return EvaluationRun.objects.order_by("-id").first()


def blocks() -> dict[int, bytes]:
    return {b.block: bytes(b.facts) for b in FactBlock.objects.filter(rows__gt=0)}


def test_list_models_marks_the_default(db):
    lines = evaluate("--list-models").splitlines()
    assert any(line.startswith("* reference-2026.1") and "2026-01-01" in line for line in lines)
    assert any(line.startswith("  status-classes-2023.1") for line in lines)
    assert not EvaluationRun.objects.exists()


def test_run_today_scores_everyone(population):
    out = evaluate("--quiet")
    run = last_run()
    assert run.status == EvaluationRun.Status.DONE and run.channel == "cli" and run.started_by_label == "cli"
    assert f"评价批次 #{run.pk}：模型 reference-2026.1，评价日 {services.today()}，全部组织" in out
    assert "完成：5 个组织（A 1，B 1，C 2，D 1），等级变化 1 个" in out
    assert CreditScore.objects.count() == Organization.objects.count() == 5
    # written: the organization without records; the others' live results were current
    assert list(CreditScore.objects.filter(run=run).values_list("organization_id", flat=True)) == [
        population["clean"].pk
    ]
    assert_score_is_explained(*population.values())


def test_as_of_model_region_and_as(population, personas):
    day = ago(60)
    evaluate("--quiet", "--as-of", day.isoformat())
    assert last_run().as_of == day
    assert_score_is_explained(*population.values(), as_of=day)

    # The status-classes model maps statuses to classes without points: the 5A org is A, the rest B.
    evaluate("--quiet", "--model", "status-classes-2023.1")
    run = last_run()
    assert run.model_version == "status-classes-2023.1"
    assert dict(CreditScore.objects.values_list("organization_id", "level")) == {
        org.pk: ("A" if name == "graded" else "B") for name, org in population.items()
    }
    assert set(CreditScore.objects.values_list("model_version", flat=True)) == {"status-classes-2023.1"}

    out = evaluate("--quiet", "--region", "410184", "--as", "city_admin")
    run = last_run()
    assert "区域 新郑市" in out and run.organizations == 1 and run.region.code == "410184"
    assert run.started_by == personas["city_admin"] and run.started_by_label == "city_admin"
    assert list(CreditScore.objects.filter(run=run).values_list("organization_id", flat=True)) == [
        population["xinzheng"].pk
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2025-02-30"], "--as-of："),
        (["--as-of", "不是日期"], "--as-of："),
        (["--as-of", (dt.date.today() + dt.timedelta(days=400)).isoformat()], "不能评价未来"),
        (["--as-of", "1999-12-31"], "早于 2000-01-01"),
        (["--model", "reference-1999.1"], "未知的评价模型版本 “reference-1999.1”，可用："),
        (["--region", "999999"], "--region：行政区划代码 999999 不存在"),
        (["--as", "nobody"], "账号不存在或已停用：nobody"),
        (["--resume", "424242"], "评价批次 #424242 不存在"),
    ],
)
def test_bad_input_is_a_command_error_naming_the_problem(db, args, message):
    with pytest.raises(CommandError) as exc:
        evaluate("--quiet", *args)
    assert message in str(exc.value)
    assert not EvaluationRun.objects.exists()


def test_resume_finishes_a_failed_run(population, monkeypatch):
    real_write = storage.write_results

    def broken(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(storage, "write_results", broken)
    with pytest.raises(RuntimeError, match="磁盘已满"):
        evaluate("--quiet")
    run = last_run()
    assert (run.status, run.error, run.organizations) == (EvaluationRun.Status.FAILED, "磁盘已满", 0)
    changes = LevelChange.objects.count()

    monkeypatch.setattr(storage, "write_results", real_write)
    out = evaluate("--resume", str(run.pk), "--quiet")
    run.refresh_from_db()
    assert f"评价批次 #{run.pk}" in out and "完成：5 个组织" in out
    assert (run.status, run.error, run.organizations) == (EvaluationRun.Status.DONE, "", 5)
    assert EvaluationRun.objects.count() == 1  # resumed, not a new run
    assert LevelChange.objects.count() == changes + 1  # the never-scored organization
    assert_score_is_explained(*population.values())

    with pytest.raises(CommandError, match=f"评价批次 #{run.pk} 已完成"):
        evaluate("--resume", str(run.pk), "--quiet")


def test_rebuild_facts_gives_the_blocks_the_live_path_kept(population):
    kept = blocks()
    assert kept, "the live path wrote blocks"
    FactBlock.objects.all().delete()  # e.g. after a raw load of records
    out = evaluate("--rebuild-facts", "--quiet")
    assert blocks() == kept
    assert "完成：5 个组织" in out and CreditScore.objects.count() == 5
    assert list(CreditScore.objects.filter(run=last_run()).values_list("organization_id", flat=True)) == [
        population["clean"].pk
    ]
    assert_block_consistent(*population.values())
    assert_score_is_explained(*population.values())
    # rebuilding again over current blocks changes nothing
    evaluate("--rebuild-facts", "--quiet")
    assert blocks() == kept


def test_check_model_accepts_a_good_file_and_names_the_line_of_a_bad_one(db, tmp_path):
    shipped = (
        resources.files("socredit.core.scoring").joinpath("models/reference-2026.1.toml").read_text("utf-8")
    )
    good = tmp_path / "mine.toml"
    good.write_text(
        shipped.replace('version = "reference-2026.1"', 'version = "mine-2026.1"'), encoding="utf-8"
    )
    out = evaluate("--check-model", str(good))
    assert "模型 mine-2026.1" in out and "检查通过" in out
    bad = tmp_path / "bad.toml"
    bad.write_text(shipped.replace("min = 70", "min = 90"), encoding="utf-8")  # B above A
    with pytest.raises(CommandError, match="模型文件有误.*等级阈值重叠"):
        evaluate("--check-model", str(bad))
    with pytest.raises(CommandError, match="文件不存在"):
        evaluate("--check-model", str(tmp_path / "missing.toml"))


def test_rebuild_blocks_with_bounds_inside_a_block_keeps_the_whole_block(personas, civil_affairs, many_orgs):
    from socredit.apps.evaluation import storage
    from socredit.apps.evaluation.models import BLOCK_SIZE, FactBlock

    orgs = many_orgs(BLOCK_SIZE + 40)
    far = next(o for o in orgs if o.pk % BLOCK_SIZE > 20 and o.pk >= BLOCK_SIZE)  # deep inside its block
    factories.record(far, "penalty_warning", occurred_on=ago(10))
    block = far.pk // BLOCK_SIZE
    before = bytes(FactBlock.objects.get(block=block).facts)
    # an upper bound inside the block before: the rebuild must not touch (or truncate) the next block
    storage.rebuild_blocks((block - 1) * BLOCK_SIZE, (block - 1) * BLOCK_SIZE + 3)
    assert bytes(FactBlock.objects.get(block=block).facts) == before
    assert storage.read_blocks(block, block).filter(pl.col("org_id") == far.pk).height == 1


def test_check_and_rebuild_counts(population):
    from socredit.apps.registry.models import RegionLevelCount

    assert "一致" in evaluate("--check-counts")
    row = RegionLevelCount.objects.filter(n__gt=0).select_related("region").first()
    RegionLevelCount.objects.filter(pk=row.pk).update(n=row.n + 3)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 个区划/类别/等级的组织数与实际不符"):
        call_command("evaluate", "--check-counts", stdout=io.StringIO(), stderr=err)
    kind = "，".join(
        (label_for(OrgType, row.org_type), label_for(OrgStatus, row.status), label_for(OrgField, row.field))
    )
    assert f"区划 {row.region.name}（{row.region.code}）（{kind}）" in err.getvalue()
    assert row.org_type not in kind.split("，") and row.status not in kind  # labels, not the stored codes
    assert f"记录 {row.n + 3}，实际 {row.n}" in err.getvalue()
    assert "已重建" in evaluate("--rebuild-counts")
    assert "一致" in evaluate("--check-counts")
