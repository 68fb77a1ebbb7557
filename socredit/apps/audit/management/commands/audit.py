"""`socredit audit verify` (exit status 1 where the chain breaks) and `socredit audit anchor`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from socredit.apps.audit import chain, services


class Command(BaseCommand):
    help = "The audit trail (操作留痕): verify the hash chain and its anchors; anchor the head."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="walk the chain and check the anchors; exit status 1 where it breaks")
        sub.add_parser("anchor", help="append the head (id, hash, time) to SOCREDIT_AUDIT_ANCHOR_FILE")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "anchor":
            line = services.anchor_head()
            if line is None:
                self.stdout.write(_("The audit trail is empty: nothing to anchor."))
            else:
                self.stdout.write(_("Anchored event %(id)s, hash %(hash)s, in %(file)s.")
                                  % {"id": line["id"], "hash": line["hash"], "file": chain.anchor_path()})  # fmt: skip
            return
        try:
            report = services.check_chain()
        except ValueError as exc:  # a damaged anchor file
            raise CommandError(str(exc)) from None
        for line in summary_lines(report):
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(_("The audit chain is broken."), returncode=1)


def summary_lines(report: chain.ChainReport) -> list[str]:
    """The verdict, then one line per problem found."""
    if report.ok:
        head = (f", {_('head')} #{report.head_id} {report.head_hash} "
                f"({timezone.localtime(report.head_at):%Y-%m-%d %H:%M:%S})") if report.head_at else ""  # fmt: skip
        return [_("OK: %(count)s events, %(anchors)s anchors checked") % {"count": report.count, "anchors": report.anchors} + head]  # fmt: skip
    lines = [_("BROKEN: %(problems)s problems in %(count)s events") % {"problems": report.problem_count, "count": report.count}]  # fmt: skip
    lines += [chain.describe(p) for p in report.problems]
    if report.problem_count > len(report.problems):
        lines.append(_("… and %(more)s more.") % {"more": report.problem_count - len(report.problems)})
    return lines
