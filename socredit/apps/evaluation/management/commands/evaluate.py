"""`socredit evaluate [--as-of DATE] [--region CODE] [--model VERSION] [--resume RUN] [--rebuild-facts]`,
`socredit evaluate --list-models`, `socredit evaluate --check-model FILE`,
`socredit evaluate --check-counts`, `socredit evaluate --rebuild-counts`."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from socredit.apps.evaluation.counts import NATION, check_counts
from socredit.apps.evaluation.indicators import (
    UnknownModel,
    available_models,
    check_model_text,
    default_version,
)
from socredit.apps.evaluation.models import EvaluationRun
from socredit.apps.evaluation.services import execute_run, rebuild_facts, rebuild_level_counts, start_run
from socredit.apps.registry.models import Region
from socredit.common.access import SystemPrincipal
from socredit.common.choices import label_for
from socredit.common.clock import today
from socredit.core.config import ConfigError
from socredit.core.scoring.evaluate import EvaluationInputError, check_as_of
from socredit.core.types import OrgField, OrgStatus, OrgType
from socredit.core.values import parse_date


class ProgressBar:
    """A one-line progress bar on stderr (redrawn at most ten times a second)."""

    def __init__(self, label: str, stream=sys.stderr) -> None:
        self.label, self.stream, self.started, self.last = label, stream, time.monotonic(), 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        width = 30
        filled = width * done // max(total, 1)
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} "
            f"{100 * done // max(total, 1)}% {now - self.started:.1f}s"
        )
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Evaluate the credit score and level of every organization (信用评价), or of one region."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="evaluate as of this date (YYYY-MM-DD; default today)")
        parser.add_argument("--region", help="only organizations of this region code and below (e.g. 410105)")
        parser.add_argument("--model", help="indicator model version (default: the configured one)")
        parser.add_argument("--resume", type=int, metavar="RUN", help="continue an interrupted or failed run")
        parser.add_argument("--rebuild-facts", action="store_true",
                            help="first rebuild the packed credit facts from the records")  # fmt: skip
        parser.add_argument("--check-counts", action="store_true",
                            help="compare the maintained organization counts (per region, type, status, field and level) with a recount and exit")  # fmt: skip
        parser.add_argument("--rebuild-counts", action="store_true",
                            help="recount the maintained organization counts (per region, type, status, field and level) and exit")  # fmt: skip
        parser.add_argument("--list-models", action="store_true", help="list the installed indicator models")
        parser.add_argument("--check-model", metavar="FILE", help="check an indicator model file and exit")
        parser.add_argument("--as", dest="username", help="run as this staff account (recorded on the run)")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, **opts) -> None:
        if opts["check_model"]:
            path = Path(opts["check_model"])
            if not path.is_file():
                raise CommandError(f"文件不存在：{path}")
            try:
                model = check_model_text(path.read_text(encoding="utf-8"), source=path.name)
            except (ConfigError, UnicodeDecodeError) as exc:
                raise CommandError(f"模型文件有误：{exc}") from None
            self.stdout.write(
                self.style.SUCCESS(f"{path.name}：模型 {model.version}（{model.title}）检查通过，"
                                   f"{len(model.indicators)} 个指标，{len(model.level_rules)} 条等级规则")
            )  # fmt: skip
            return
        if opts["list_models"]:
            for model in available_models():
                mark = "*" if model.version == default_version() else " "
                self.stdout.write(f"{mark} {model.version:28} {model.effective_from}  {model.title}")
            return
        actor = SystemPrincipal("cli")
        if opts["username"]:
            actor = get_user_model().objects.filter(username=opts["username"], is_active=True).first()
            if actor is None:
                raise CommandError(f"账号不存在或已停用：{opts['username']}")
        if opts["check_counts"]:
            wrong = check_counts()
            if wrong:
                shown = sorted(wrong.items())[:20]
                regions = Region.objects.in_bulk([key[0] for key, _n in shown])
                for (region_id, org_type, status, field, level), (kept, actual) in shown:
                    where = "全国" if region_id == NATION else regions.get(region_id, region_id)
                    kind = "，".join(label_for(enum, value) or "—" for enum, value in
                                    ((OrgType, org_type), (OrgStatus, status), (OrgField, field)))  # fmt: skip
                    self.stderr.write(
                        f"区划 {where}（{kind}）等级 {level or '未评价'}：记录 {kept}，实际 {actual}"
                    )
                raise CommandError(
                    f"{len(wrong)} 个区划/类别/等级的组织数与实际不符；用 --rebuild-counts 重建"
                )
            self.stdout.write(self.style.SUCCESS("各区划各类各等级组织数与实际一致"))
            return
        if opts["rebuild_counts"]:
            rows = rebuild_level_counts(actor=actor, channel="cli")
            self.stdout.write(self.style.SUCCESS(f"已重建各区划各类各等级组织数：{rows} 行"))
            return
        progress = None if opts["quiet"] else ProgressBar
        if opts["resume"]:
            run = EvaluationRun.objects.filter(pk=opts["resume"]).first()
            if run is None:
                raise CommandError(f"评价批次 #{opts['resume']} 不存在")
            if run.status == EvaluationRun.Status.DONE:
                raise CommandError(f"评价批次 #{run.pk} 已完成，无需继续")
        else:
            as_of = None
            if opts["as_of"]:
                try:
                    as_of = parse_date(opts["as_of"], allow_future=True)
                except ValueError as exc:
                    raise CommandError(f"--as-of：{exc}") from None
                try:
                    check_as_of(as_of, today=today())  # a future day is refused before --rebuild-facts runs
                except EvaluationInputError as exc:
                    raise CommandError(f"--as-of：{exc}") from None
            region = None
            if opts["region"]:
                region = Region.objects.filter(code=opts["region"].strip()).first()
                if region is None:
                    raise CommandError(f"--region：行政区划代码 {opts['region']} 不存在")
            if opts["rebuild_facts"]:
                rebuild_facts(
                    actor=actor, channel="cli", progress=progress("重建信用事实") if progress else None
                )
            try:
                run = start_run(
                    actor=actor, channel="cli", as_of=as_of, model_version=opts["model"], region=region
                )
            except (EvaluationInputError, UnknownModel) as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(
            f"评价批次 #{run.pk}：模型 {run.model_version}，评价日 {run.as_of}"
            + (f"，区域 {run.region.name}" if run.region else "，全部组织")
        )
        run = execute_run(run, progress=progress("信用评价") if progress else None)
        counts = "，".join(f"{k} {run.level_counts.get(k, 0):,}" for k in "ABCD")
        self.stdout.write(self.style.SUCCESS(
            f"完成：{run.organizations:,} 个组织（{counts}），等级变化 {run.changed:,} 个，"
            f"用时 {run.seconds:.1f} 秒（读取 {run.seconds_read:.1f}，计算 {run.seconds_compute:.1f}，"
            f"写入 {run.seconds_write:.1f}）"
        ))  # fmt: skip
