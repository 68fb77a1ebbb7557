"""socredit annualreport_figures --year N [--region CODE] [--format csv|xlsx] [--output FILE] [--lang en]

The figures of the filed annual work reports on year N (a region's, or the whole country's), one
line per report, as the staff page exports them (CSV streamed to the file; XLSX written by the
write-only workbook). Runs with national scope; the export is recorded as a download."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils import translation

from socredit.apps.annualreports.data import export_headers, export_rows, region_in_scope, region_reports
from socredit.apps.audit.services import record_download
from socredit.common.access import SystemPrincipal
from socredit.common.exports import XLSX_MAX_ROWS, csv_chunks, title_line, write_xlsx_file


class Command(BaseCommand):
    help = "Export the figures of a year's filed annual work reports (a region's or all) as CSV or XLSX"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", type=int, required=True, help="the reported year")
        parser.add_argument("--region", default="", help="GB/T 2260 region code (default: every region)")
        parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
        parser.add_argument(
            "--output", default="-", help="file to write (default: standard output, CSV only)"
        )
        parser.add_argument(
            "--lang", choices=("zh-hans", "en"), default="zh-hans", help="language of the headers"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        principal = SystemPrincipal("cli")
        try:
            region = region_in_scope(principal, opts["region"] or None)
        except Http404:
            raise CommandError(f"未知的行政区划代码：{opts['region']}") from None
        if opts["format"] == "xlsx" and opts["output"] == "-":
            raise CommandError("XLSX 需要 --output 文件名")
        reports = region_reports(principal, opts["year"], region)
        if opts["format"] == "xlsx" and reports.order_by()[: XLSX_MAX_ROWS + 1].count() > XLSX_MAX_ROWS:
            raise CommandError("行数超过一个 Excel 工作表的上限，请导出 CSV 或指定区划")
        with translation.override(opts["lang"]):
            title = translation.gettext("Figures of the annual work reports on %(year)s") % {
                "year": opts["year"]
            }
            record_download(principal, file="export_annual_report_figures", target=None, name=title,
                            channel="cli", query=f"year={opts['year']}&region={opts['region']}")  # fmt: skip
            lines = [[title_line(title)], export_headers(opts["lang"])]

            def all_lines() -> Any:
                yield from lines
                yield from export_rows(reports)

            if opts["format"] == "xlsx":
                with open(opts["output"], "wb") as f:
                    written = write_xlsx_file(all_lines(), f, sheet_title=title)
            else:
                out = sys.stdout.buffer if opts["output"] == "-" else open(opts["output"], "wb")  # noqa: SIM115
                try:
                    for chunk in csv_chunks(all_lines()):
                        out.write(chunk)
                finally:
                    if out is not sys.stdout.buffer:
                        out.close()
                written = None
        if opts["output"] != "-":
            self.stderr.write(f"已写入 {opts['output']}" + (f"（{written - 2} 行）" if written else ""))
