"""`socredit import organizations|roles|records|annual_reports FILE [--dry-run] [--report errors.csv] [--as USERNAME]`."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from socredit.apps.imports.columns import report_file
from socredit.apps.imports.models import ImportKind, ImportStatus
from socredit.apps.imports.services import run_import
from socredit.common.access import SystemPrincipal


class Command(BaseCommand):
    help = "Import organizations, persons/posts or credit records from a CSV or XLSX file (批量导入)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")
        parser.add_argument("--report", type=Path, help="write the row errors to this .csv or .xlsx file")
        parser.add_argument(
            "--as",
            dest="username",
            help="act as this staff account (its region scope); default: national console",
        )

    def handle(self, *args, **opts) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        if path.stat().st_size > settings.SOCREDIT_IMPORT_MAX_BYTES:
            raise CommandError(f"文件过大（上限 {settings.SOCREDIT_IMPORT_MAX_BYTES} 字节）")
        if opts["username"]:
            actor = get_user_model().objects.filter(username=opts["username"], is_active=True).first()
            if actor is None:
                raise CommandError(f"账号不存在或已停用：{opts['username']}")
            if not actor.can_write:
                raise CommandError(f"账号 {opts['username']} 没有写入权限")
        else:
            actor = SystemPrincipal("cli")
        run = run_import(actor=actor, channel="cli", kind=opts["kind"], content=path,
                         file_name=path.name, dry_run=opts["dry_run"])  # fmt: skip
        if opts["report"]:
            fmt = "xlsx" if opts["report"].suffix.lower() == ".xlsx" else "csv"
            opts["report"].write_bytes(report_file(run.kind, run.errors, fmt))
        if run.status == ImportStatus.FAILED:
            raise CommandError(f"导入批次 #{run.pk} 失败：{run.message}")
        prefix = "[dry run] " if run.dry_run else ""
        self.stdout.write(
            f"{prefix}导入批次 #{run.pk} {run.file_name}：共 {run.total_rows} 行，新增 {run.created}，"
            f"更新 {run.updated}，未变 {run.unchanged}，错误行 {run.error_rows}"
        )
        for e in run.errors[:20]:
            self.stdout.write(f"  第 {e['row']} 行 {e['column'] or e['field']}：{e['message']}")
        if len(run.errors) > 20:
            self.stdout.write(
                f"  …… 另有 {len(run.errors) - 20} 条错误" + ("，见报告文件" if opts["report"] else "")
            )
