"""`socredit dormancy identify [--as-of YYYY-MM-DD]` — open a clean-up case for every dormant
organization (no annual report for the last years due, no activity; see ``dormancy.identify``).
Re-running adds only new candidates: an organization with an open case never gets a second."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from socredit.apps.dormancy import services
from socredit.common.access import SystemPrincipal
from socredit.common.errors import FieldErrors


class Command(BaseCommand):
    help = "Dormant organizations (僵尸型社会组织): identify the candidates and open their clean-up cases."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser(
            "identify", help="open a case for every dormant organization without one (idempotent)"
        )
        p.add_argument("--as-of", dest="as_of", help="the day of the identification (default: today)")
        p.add_argument("--as", dest="username", help="act as this staff account")

    def handle(self, *args: Any, **opts: Any) -> None:
        actor: object = SystemPrincipal("cli")
        if opts.get("username"):
            actor = get_user_model().objects.filter(username=opts["username"], is_active=True).first()
            if actor is None:
                raise CommandError(f"没有该账号：{opts['username']}")
        as_of = None
        if opts.get("as_of"):
            try:
                as_of = dt.date.fromisoformat(opts["as_of"])
            except ValueError:
                raise CommandError(f"--as-of 须为 YYYY-MM-DD：{opts['as_of']}") from None
        try:
            r = services.identify(actor=actor, channel="cli", as_of=as_of)
        except FieldErrors as exc:
            raise CommandError(exc.as_text()) from None
        self.stdout.write(services.result_line(r))
