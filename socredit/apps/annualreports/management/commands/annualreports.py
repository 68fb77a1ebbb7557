"""`socredit annualreports deadline [--year N] [--as-of DATE]`: the filing-deadline run (idempotent);
`socredit annualreports recheck [--year N]`: run the automatic review checks again on submitted reports."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from socredit.apps.annualreports.deadlines import run_deadlines
from socredit.apps.annualreports.models import AnnualReport
from socredit.apps.annualreports.risk import store_flags
from socredit.common.access import SystemPrincipal
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.core.values import parse_date


class Command(BaseCommand):
    help = "Annual work reports (年度工作报告): the filing-deadline run; the automatic review checks again."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        deadline = sub.add_parser(
            "deadline",
            help="record every obliged organization that has not filed by its deadline (annual_report_missing) "
            "and every late first filing (annual_report_late); idempotent",
        )
        deadline.add_argument(
            "--year", type=int, help="the reported year N (default: the year before --as-of)"
        )
        deadline.add_argument(
            "--as-of", help="as of this date (YYYY-MM-DD; default today; not in the future)"
        )
        recheck = sub.add_parser("recheck", help="run the automatic review checks again on submitted reports")
        recheck.add_argument("--year", type=int, required=True, help="the reported year")

    def handle(self, *args: Any, **opts: Any) -> None:
        actor = SystemPrincipal("cli")
        if opts["action"] == "recheck":
            n = 0
            for report in AnnualReport.objects.filter(
                year=opts["year"], submitted_on__isnull=False
            ).select_related("organization"):
                store_flags(report, actor=actor, channel="cli")
                n += 1
            self.stdout.write(f"已重新审核 {n} 份{opts['year']}年度工作报告")
            return
        as_of = today()
        if opts.get("as_of"):
            try:
                as_of = parse_date(opts["as_of"], today=today())
            except ValueError as exc:
                raise CommandError(f"--as-of 日期有误：{exc}；不能按未来日期运行") from None
        year = opts.get("year")
        if year is not None and not 2000 <= year < as_of.year:
            raise CommandError(f"--year {year} 有误：应为 {as_of.year - 1} 年或更早的已结束年度")
        try:
            result = run_deadlines(actor, as_of=as_of, year=year)
        except FieldErrors as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{result.year}年度工作报告（截至{as_of:%Y-%m-%d}）：应报送 {result.obliged:,} 个组织；"
            f"逾期未报送 {result.missing:,}（新记录 {result.written_missing:,}），"
            f"逾期报送 {result.late:,}（新记录 {result.written_late:,}）"
        )
        for error in result.errors[:50]:
            self.stderr.write(error)
        if result.errors:
            raise CommandError(f"{len(result.errors)} 个组织未能记录，见上")
