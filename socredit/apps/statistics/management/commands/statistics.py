"""`socredit statistics aggregate [--as-of DATE]`: the daily figures of the dashboards (idempotent).

Run it every day after ``socredit cases daily`` (docs/statistics.md): a re-run for the same day
replaces that day's figures in one transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from socredit.apps.statistics.aggregate import aggregate_day
from socredit.common.access import SystemPrincipal
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.core.values import parse_date


class Command(BaseCommand):
    help = "Statistics (统计分析): compute the day's figures per region for the dashboards."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser(
            "aggregate", help="compute and store the figures of one data date per region (idempotent)"
        )
        run.add_argument("--as-of", help="data date (YYYY-MM-DD; default today; not after today)")

    def handle(self, *args: Any, **opts: Any) -> None:
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
