"""`socredit riskwarnings daily [--as-of DATE]`: the daily warning run (idempotent).

Evaluates every enabled rule over every watched organization, raises new warnings, updates and
clears the open ones, and escalates those not handled in time (``riskwarnings.run``). It is also
part of ``socredit cases daily``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from socredit.apps.riskwarnings.run import run_daily
from socredit.common.access import SystemPrincipal
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.core.values import parse_date


class Command(BaseCommand):
    help = "Risk early warnings (风险预警): the daily run of the warning rules (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        daily = sub.add_parser("daily", help="evaluate the rules, merge, clear and escalate warnings")
        daily.add_argument("--as-of", help="as of this date (YYYY-MM-DD; default today; not in the future)")

    def handle(self, *args: Any, **opts: Any) -> None:
        as_of = today()
        if opts.get("as_of"):
            try:
                as_of = parse_date(opts["as_of"], today=today())
            except ValueError as exc:
                raise CommandError(f"--as-of 日期有误：{exc}；不能按未来日期运行") from None
        try:
            result = run_daily(SystemPrincipal("cli"), as_of=as_of)
        except FieldErrors as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(result.line())
        for error in result.errors[:20]:
            self.stderr.write(error)
