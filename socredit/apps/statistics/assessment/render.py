"""The assessment report as PDF (WeasyPrint through ``common.pdf``, Noto CJK fonts embedded) and as
XLSX (openpyxl, one sheet per section, numbers as numbers), both from the report's ``content``."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from socredit.common.imports import FORMULA_STARTS
from socredit.common.pdf import html_to_pdf

SHEET_TITLE_MAX = 31
"""Excel's limit on a sheet's name."""


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def display_rows(section: dict[str, Any]) -> list[list[tuple[str, bool, str]]]:
    """A section's rows as (text, is a number, its column's header) for the page and the PDF
    (— where there is nothing to compare)."""
    headers = section["headers"]
    return [
        [
            (_shown(v), not isinstance(v, str), headers[i] if i < len(headers) else "")
            for i, v in enumerate(row)
        ]
        for row in section["rows"]
    ]


def report_pdf(content: dict[str, Any], language: str) -> bytes:
    sections = [{**s, "shown": display_rows(s)} for s in content["sections"]]
    with translation.override(language):
        html = render_to_string(
            "statistics/assessment_pdf.html", {"c": content, "sections": sections, "language": language}
        )
    return html_to_pdf(html)


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def report_xlsx(content: dict[str, Any], language: str) -> bytes:
    """One sheet per section: the report's title and data dates, the headers, then the rows."""
    with translation.override(language):
        book = Workbook()
        book.remove(book.active)
        for section in content["sections"]:
            sheet = book.create_sheet(section["title"][:SHEET_TITLE_MAX].replace("/", "-"))
            sheet.append([_cell(content["title"])])
            sheet.append([_("Period: %(period)s · data as of %(day)s") % {
                "period": content["period"]["label"], "day": content["data_date"]}])  # fmt: skip
            sheet.append([_cell(h) for h in section["headers"]])
            for cell in sheet[3]:
                cell.font = Font(bold=True)
            for row in section["rows"]:
                sheet.append([_cell(v) for v in row])
            if not section["rows"]:
                sheet.append([_("None in this period.")])
            if section.get("note"):
                sheet.append([])
                sheet.append([section["note"]])
            sheet.column_dimensions["A"].width = 44
        out = io.BytesIO()
        book.save(out)
    return out.getvalue()
