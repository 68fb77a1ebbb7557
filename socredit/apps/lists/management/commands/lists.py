"""`socredit lists run [--as-of DATE] [--full]`, `socredit lists red --year Y`, `socredit lists retention [--as-of DATE]`."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from socredit.apps.lists import services
from socredit.common.access import SystemPrincipal
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.core.values import parse_date


class Command(BaseCommand):
    help = "The lists (名录): daily run, yearly red-list candidates, retention of person listings."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="daily run: proposals, transfers, automatic removals (idempotent)")
        run.add_argument("--as-of", help="run as of this date (YYYY-MM-DD; default today)")
        run.add_argument("--as", dest="username", help="run as this staff account")
        run.add_argument(
            "--full", action="store_true",
            help="read every candidate organization, not only those changed or due (for checks)",
        )  # fmt: skip
        red = sub.add_parser("red", help="propose the red-list candidates of a year")
        red.add_argument("--year", type=int, required=True)
        red.add_argument("--as", dest="username", help="run as this staff account")
        ret = sub.add_parser("retention", help="hide and erase person listings whose retention ended")
        ret.add_argument("--as-of", help="as of this date (default today)")

    def _actor(self, opts: dict) -> object:
        name = opts.get("username")
        if not name:
            return SystemPrincipal("cli")
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise CommandError(f"没有该账号：{name}")
        return user

    def _date(self, opts: dict):  # noqa: ANN202
        text = opts.get("as_of")
        if not text:
            return None
        try:
            return parse_date(text, today=today())
        except ValueError as exc:
            # a future --as-of would write decisions dated after today: refused before anything runs
            raise CommandError(f"--as-of 日期有误：{exc}；不能按未来日期运行") from None

    def handle(self, *args, **opts) -> None:
        try:
            if opts["action"] == "run":
                run = services.daily_run(self._actor(opts), self._date(opts), full=opts["full"])
                c = run.counts
                self.stdout.write(
                    f"名录日常运行 {run.as_of}（{run.policy_version}）：新建议 {c['proposals']}，"
                    f"转入严重违法失信名单 {c['transfers']}，自动移出 {c['removals']}，"
                    f"移出红名单 {c['red_removals']}；读取组织 {c.get('organizations', 0)} 个"
                    f"（{'全部候选' if run.full else '有变化或到期的'}）"
                )
            elif opts["action"] == "red":
                made = services.red_list_publication(self._actor(opts), opts["year"])
                self.stdout.write(f"{opts['year']}年度守信红名单候选：{len(made)} 个（待确认）")
            else:
                n = services.retention_sweep(SystemPrincipal("cli"), self._date(opts))
                self.stdout.write(f"保留期届满的个人失信记录：{n} 条已撤下公示（按政策参数删除或转入档案）")
        except FieldErrors as exc:
            raise CommandError(str(exc)) from None
