"""`socredit portal_profiles --all|--stale|--clear|--check`: the stored public answers (公开信息存档,
docs/stored-profiles.md). The daily open-data build stores every answer already; this command is for
a first fill, a refill after a deployment or a bulk load, and for repairs. Idempotent."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from socredit.apps.portal import stored
from socredit.common.clock import today


class Command(BaseCommand):
    help = "Stored public answers (公开信息存档): build and store the public API's answers by code."

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--all", action="store_true", help="rebuild every organization's answer for today")
        what.add_argument("--stale", action="store_true", help="only those missing or not fresh for today")
        what.add_argument("--clear", action="store_true", help="delete every stored answer")
        what.add_argument(
            "--check", action="store_true", help="fail if a trigger is missing (and re-create them with --repair)"
        )
        parser.add_argument("--repair", action="store_true", help="with --check: re-create missing triggers")
        parser.add_argument("--chunk", type=int, default=stored.CHUNK, help="organizations per transaction")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["chunk"] < 1:
            raise CommandError("--chunk 应为正整数")
        if opts["clear"]:
            self.stdout.write(f"已删除公开信息存档 {stored.clear_stored_profiles():,} 条")
            return
        if opts["check"]:
            missing = stored.missing_triggers()
            if missing and opts["repair"]:
                stored.install_triggers()
                self.stdout.write(f"已重建触发器（缺少 {len(missing)} 个）；已有存档全部作废，请运行 --stale")
                return
            if missing:
                raise CommandError(f"缺少触发器 {len(missing)} 个：{', '.join(missing)}（--check --repair 可重建）")
            self.stdout.write("触发器齐全")
            return
        started, day = time.perf_counter(), today()

        def progress(done: int) -> None:
            spent = time.perf_counter() - started
            self.stdout.write(f"  {done:,} 个组织  {spent:.0f} 秒  {done / spent:,.0f} 个/秒")

        done = stored.refresh_stored_profiles(day, stale_only=opts["stale"], chunk=opts["chunk"], progress=progress)
        self.stdout.write(
            f"公开信息存档 {day.isoformat()}：已生成 {done:,} 个组织（{time.perf_counter() - started:.1f} 秒）"
        )
