"""socredit create-staff: a staff account in a region, or with --organization CODE an organization's own
account (组织账号, /my/ only); password from --password, $SOCREDIT_PASSWORD or a prompt."""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from socredit.apps.accounts.models import StaffRole
from socredit.apps.accounts.services import create_staff_user
from socredit.apps.registry.services import region_by_code
from socredit.common.errors import FieldErrors


class Command(BaseCommand):
    help = "Create a staff account scoped to a region (admin, officer or viewer)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--region", help="region code (GB/T 2260), e.g. 410105; optional for --superuser")
        parser.add_argument(
            "--role", choices=StaffRole.values, help="post within the region (staff accounts)"
        )
        parser.add_argument("--organization", help="USCC of the organization: create its own account instead")
        parser.add_argument("--superuser", action="store_true", help="national scope and Django admin access")
        parser.add_argument("--full-name", default="", help="display name")
        parser.add_argument("--password", help="the password (else $SOCREDIT_PASSWORD, else a prompt)")

    def _password(self, given: str | None) -> str:
        password = given or os.environ.get("SOCREDIT_PASSWORD", "")
        if password:
            return password
        if not sys.stdin.isatty():
            raise CommandError("no password: use --password, SOCREDIT_PASSWORD or run interactively")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("the passwords differ")
        return password

    def handle(self, *args: Any, username: str, region: str | None, role: str | None, superuser: bool,
               full_name: str, password: str | None, organization: str | None = None, **options: Any) -> None:  # fmt: skip
        if organization:
            self._organization_account(username, organization, full_name, password)
            return
        if not role:
            raise CommandError("--role is required for a staff account")
        found = region_by_code(region) if region else None
        if region and found is None:
            raise CommandError(f"unknown region code {region!r}")
        if found is None and not superuser:
            raise CommandError("--region is required unless --superuser")
        secret = self._password(password)
        try:
            validate_password(secret)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        try:
            user = create_staff_user(actor="cli", channel="cli", username=username, password=secret, region=found,
                                     staff_role=role, full_name=full_name, superuser=superuser)  # fmt: skip
        except FieldErrors as exc:
            raise CommandError(str(exc)) from None
        where = found.name if found else "全国"
        self.stdout.write(f"Created {user.username} ({role}{', superuser' if superuser else ''}) in {where}.")

    def _organization_account(self, username: str, code: str, full_name: str, password: str | None) -> None:
        from socredit.apps.accounts.services import create_organization_account
        from socredit.apps.registry.models import Organization

        org = Organization.objects.filter(code=code.strip().upper()).first()
        if org is None:
            raise CommandError(f"没有统一社会信用代码为 {code} 的社会组织")
        secret = self._password(password)
        try:
            validate_password(secret)
            user = create_organization_account(actor="cli", channel="cli", organization=org, username=username,
                                               password=secret, full_name=full_name)  # fmt: skip
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        except FieldErrors as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Created organization account {user.username} for {org.name}.")
