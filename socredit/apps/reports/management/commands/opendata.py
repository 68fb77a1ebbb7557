"""`socredit opendata build [--as-of DATE]`: rebuild the open data release (all public information,
CSV and JSON Lines, gzip, schema, checksums) and publish it. Run it daily after `socredit cases daily`
(docs/reports.md); idempotent: the same date is rebuilt in place."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from socredit.apps.reports import opendata
from socredit.common.clock import today
from socredit.core.values import parse_date


class Command(BaseCommand):
    help = "Open data (开放数据): rebuild the bulk download of all public information."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        build = sub.add_parser("build", help="write the release of a date (default today) and publish it")
        build.add_argument("--as-of", help="data date YYYY-MM-DD (default today; never a future date)")
        build.add_argument("--chunk", type=int, default=opendata.CHUNK, help="organizations per chunk")

    def handle(self, *args: Any, **opts: Any) -> None:
        day = today()
        if opts.get("as_of"):
            try:
                day = parse_date(opts["as_of"], today=today())
            except ValueError as exc:
                raise CommandError(f"--as-of 日期有误：{exc}") from None
            if day > today():
                raise CommandError(
                    f"--as-of {day.isoformat()} 晚于今天（{today().isoformat()}）：公开数据不能按未来日期生成"
                )
        if opts["chunk"] < 1:
            raise CommandError("--chunk 应为正整数")
        started = time.perf_counter()
        built = opendata.build(day, chunk=opts["chunk"])
        rows = {f["name"].split("-")[0]: f["rows"] for f in built.manifest["files"] if f["rows"] is not None}
        self.stdout.write(
            f"开放数据 {day.isoformat()} 已发布：{built.folder}（"
            + "，".join(f"{k} {v:,} 行" for k, v in rows.items())
            + f"；{time.perf_counter() - started:.1f} 秒）"
        )
