"""socredit issue-token: a department system's API token; the raw key is printed once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from socredit.apps.accounts.models import TokenScope
from socredit.apps.accounts.services import issue_token
from socredit.apps.registry.models import Department
from socredit.common.errors import FieldErrors


class Command(BaseCommand):
    help = "Issue an API token for a department (prints the raw key once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--department", required=True, help="department code (e.g. zz-mzj)")
        parser.add_argument("--name", required=True, help="what the token is for, e.g. the calling system")
        parser.add_argument("--scope", action="append", required=True, choices=TokenScope.values, dest="scopes",
                            help="a scope; repeat for several")  # fmt: skip

    def handle(self, *args: Any, department: str, name: str, scopes: list[str], **options: Any) -> None:
        dept = Department.objects.filter(code=department).first()
        if dept is None:
            raise CommandError(f"unknown department code {department!r}")
        if not dept.active:
            raise CommandError(f"department {department!r} is inactive")
        try:
            token, raw = issue_token(actor="cli", channel="cli", department=dept, name=name, scopes=scopes)
        except FieldErrors as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(f"Token #{token.pk} for {dept.name} ({', '.join(token.scopes)}). "
                          "Store the key now; it cannot be shown again:")  # fmt: skip
        self.stdout.write(raw)
