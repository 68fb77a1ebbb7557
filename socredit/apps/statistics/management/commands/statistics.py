"""`socredit statistics aggregate [--as-of DATE]`: the daily figures of the dashboards (idempotent).
`socredit statistics assessment --region CODE (--quarter 2026Q3 | --from DATE --to DATE) [--language]`:
the periodic assessment report (考核报告) of a region, kept with its PDF and XLSX.

Run the aggregation every day after ``socredit cases daily`` (docs/statistics.md): a re-run for the
same day replaces that day's figures in one transaction. A re-generated report is a new version.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from socredit.apps.registry.models import Region
from socredit.apps.statistics.aggregate import aggregate_day
from socredit.apps.statistics.assessment.periods import parse_preset
from socredit.apps.statistics.assessment.services import LANGUAGES, generate_assessment_report
from socredit.common.access import SystemPrincipal
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.core.values import parse_date


class Command(BaseCommand):
    help = "Statistics (统计分析): the day's figures per region, and the periodic assessment report."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser(
            "aggregate", help="compute and store the figures of one data date per region (idempotent)"
        )
        run.add_argument("--as-of", help="data date (YYYY-MM-DD; default today; not after today)")
        report = sub.add_parser("assessment", help="generate the assessment report of a region for a period")
        report.add_argument("--region", default="", help="region code (default: the whole country)")
        report.add_argument("--quarter", help="a quarter (2026Q3), a month (2026-07) or a year (2026)")
        report.add_argument("--from", dest="start", help="first day of the period (YYYY-MM-DD)")
        report.add_argument("--to", dest="end", help="last day of the period (YYYY-MM-DD)")
        report.add_argument("--language", default="zh-hans", choices=LANGUAGES)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "assessment":
            self.assessment(opts)
            return
        day = today()
        if opts.get("as_of"):
            try:
                day = parse_date(opts["as_of"], today=today())
            except ValueError as exc:
                raise CommandError(f"--as-of 日期有误：{exc}") from None
        try:
            outcome = aggregate_day(SystemPrincipal("cli"), day)
        except FieldErrors as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"统计汇总 {outcome.day.isoformat()}：{outcome.figures:,} 项数字，用时 {outcome.seconds:.1f} 秒"
        )

    def assessment(self, opts: dict[str, Any]) -> None:
        region = None
        if opts["region"]:
            region = Region.objects.filter(code=opts["region"]).first()
            if region is None:
                raise CommandError(f"没有代码为 {opts['region']} 的行政区划")
        try:
            if opts.get("quarter"):
                period = parse_preset(opts["quarter"])
                start, end = period.start, period.end
            elif opts.get("start") and opts.get("end"):
                start = parse_date(opts["start"], allow_future=True)
                end = parse_date(opts["end"], allow_future=True)
            else:
                raise CommandError("请给出 --quarter，或同时给出 --from 和 --to")
            report = generate_assessment_report(
                SystemPrincipal("cli"), region, start, end, opts["language"], channel="cli"
            )
        except ValueError as exc:
            raise CommandError(f"日期有误：{exc}") from None
        except FieldErrors as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"考核报告 {report.content['region_name']} {report.start}至{report.end} 第{report.version}版，"
            f"数据日期 {report.data_date}\nPDF：{report.pdf.path}\nXLSX：{report.xlsx.path}"
        )
