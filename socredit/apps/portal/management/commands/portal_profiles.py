"""`socredit portal_profiles --all|--stale|--clear|--check`: the stored public answers (公开信息存档,
docs/stored-profiles.md). The daily open-data build stores every answer already; this command is for
a first fill, a refill after a deployment or a bulk load, and for repairs. Idempotent."""

from __future__ import annotations

import argparse
import subprocess
import sys
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
            "--check",
            action="store_true",
            help="fail if a trigger is missing (and re-create them with --repair)",
        )
        parser.add_argument("--repair", action="store_true", help="with --check: re-create missing triggers")
        parser.add_argument("--chunk", type=int, default=stored.CHUNK, help="organizations per transaction")
        parser.add_argument(
            "--processes", type=int, default=1, help="fill in this many processes side by side (one per core)"
        )
        parser.add_argument("--part", help=argparse.SUPPRESS)  # i/n: one of --processes' children

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["chunk"] < 1 or opts["processes"] < 1:
            raise CommandError("--chunk 和 --processes 应为正整数")
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
                raise CommandError(
                    f"缺少触发器 {len(missing)} 个：{', '.join(missing)}（--check --repair 可重建）"
                )
            self.stdout.write("触发器齐全")
            return
        started, day = time.perf_counter(), today()
        if opts["processes"] > 1:
            self._fill_in_processes(opts, started)
            return
        index, parts = (int(x) for x in (opts["part"] or "0/1").split("/"))

        def progress(done: int) -> None:
            if done % (opts["chunk"] * 20) == 0:
                spent = time.perf_counter() - started
                self.stdout.write(f"  {done:,} 个组织  {spent:.0f} 秒  {done / spent:,.0f} 个/秒")

        done = stored.refresh_stored_profiles(
            day, stale_only=opts["stale"], chunk=opts["chunk"], part=(index, parts), progress=progress
        )
        self.stdout.write(
            f"公开信息存档 {day.isoformat()}：已生成 {done:,} 个组织（{time.perf_counter() - started:.1f} 秒）"
        )

    def _fill_in_processes(self, opts: dict[str, Any], started: float) -> None:
        """One child process per part (organizations by id modulo the number of processes): the
        profiles are built in parallel; each chunk's write is short, so they barely wait on each other."""
        n = opts["processes"]
        base = [sys.executable, sys.argv[0], "portal_profiles", "--stale" if opts["stale"] else "--all",
                "--chunk", str(opts["chunk"])]  # fmt: skip
        children = [subprocess.Popen([*base, "--part", f"{i}/{n}"]) for i in range(n)]  # noqa: S603 — our own command
        failed = [c.args[-1] for c in children if c.wait() != 0]
        if failed:
            raise CommandError(f"部分进程失败：{', '.join(failed)}（可再运行 --stale 补齐）")
        self.stdout.write(f"公开信息存档：{n} 个进程已完成（{time.perf_counter() - started:.1f} 秒）")
