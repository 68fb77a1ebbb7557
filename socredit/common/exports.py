"""导出 — one building block for every "导出 CSV / 导出 Excel" link of a staff table.

``export_response(fmt, name=…, title=…, headers=…, rows=…)`` answers a table as a file:

- the first line says what the table is and its data date (数据日期, `clock.today()`), the second
  holds the column headers (already translated by the caller), then one line per row;
- ``rows`` is any iterable of value sequences, read once and lazily: a caller passes a queryset's
  ``values_list(...).iterator(chunk_size=EXPORT_CHUNK)`` (or a generator over one), never a list,
  so a national export holds one chunk of rows in memory at a time;
- CSV is streamed (StreamingHttpResponse) in UTF-8 with a BOM, so Excel opens Chinese right;
- XLSX is written by openpyxl's write-only workbook to a temporary file (openpyxl cannot write to a
  socket), then sent with FileResponse; the temporary file is deleted as soon as it is open (POSIX),
  so a dropped connection leaves nothing behind. An XLSX sheet holds at most ``XLSX_MAX_ROWS`` data
  rows (Excel's limit of 1,048,576 lines less the two heading lines): a bigger table is refused with
  a message to export CSV or narrow the filter (``too_many_rows``), before anything is written.
- the file is named ``<name>-<data date>.<fmt>``, in Content-Disposition with an ASCII fallback and
  the UTF-8 name (RFC 5987 / RFC 6266: Chinese names survive every browser).

A text cell that would start a formula is written inert (CSV injection), as in the import reports.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from socredit.common import clock
from socredit.common.imports import FORMULA_STARTS

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXPORT_CHUNK = 2000
"""Rows fetched from the database at a time (``.iterator(chunk_size=EXPORT_CHUNK)``)."""
XLSX_MAX_ROWS = 1_048_576 - 2
"""Data rows one XLSX sheet can hold below the title line and the header line."""
_FLUSH = 64 * 1024
"""Characters of CSV gathered before they are sent."""


def labels(enum_cls: Any) -> dict[Any, str]:
    """{stored code: label in the active language} of a labelled enum, looked up once per export."""
    from socredit.common.choices import label_of

    return {m.value: label_of(m) for m in enum_cls}


def content_disposition(file_name: str) -> str:
    """``attachment`` with an ASCII fallback name and the real name percent-encoded (RFC 5987)."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in file_name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def file_name(name: str, fmt: str, day: dt.date | None = None) -> str:
    """``<name>-YYYY-MM-DD.<fmt>``: the data date in the name, so two exports never overwrite."""
    return f"{name}-{(day or clock.today()).isoformat()}.{fmt}"


def title_line(title: str, day: dt.date | None = None) -> str:
    """The first line of every export: what it is and the date of its data."""
    return _("%(title)s · data as of %(day)s") % {"title": title, "day": (day or clock.today()).isoformat()}


def _inert(value: Any) -> Any:
    """A cell as written: None → "", dates as YYYY-MM-DD, formula-like text behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_chunks(lines: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """The lines as CSV in UTF-8 with a BOM, in pieces of about 64 KB (a generator: nothing is kept)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff".encode()
    for line in lines:
        writer.writerow([_inert(v) for v in line])
        if buffer.tell() >= _FLUSH:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def write_xlsx_file(lines: Iterable[Sequence[Any]], target: Any, sheet_title: str = "Sheet1") -> int:
    """The lines into a one-sheet workbook written to the open binary file ``target`` (write-only:
    openpyxl keeps no row in memory); returns the number of lines written."""
    import openpyxl  # imported here: only XLSX exports pay for it
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title[:31])
    count = 0
    for line in lines:
        cells = []
        for value in line:
            if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # text, never a live formula
                cells.append(cell)
            elif isinstance(value, dt.datetime):
                cells.append(value.strftime("%Y-%m-%d %H:%M"))
            elif isinstance(value, dt.date):
                cells.append(value.isoformat())
            else:
                cells.append("" if value is None else value)
        sheet.append(cells)
        count += 1
    book.save(target)
    return count


def too_many_rows(fmt: str, rows: int | None) -> str | None:
    """The message refusing an XLSX of more rows than a sheet holds; None when it fits (or for CSV)."""
    if fmt == "xlsx" and rows is not None and rows > XLSX_MAX_ROWS:
        return _(
            "The table has more than %(limit)s rows, more than one Excel sheet can hold. Export it as "
            "CSV, or narrow the filter."
        ) % {"limit": f"{XLSX_MAX_ROWS:,}"}
    return None


def export_response(
    fmt: str,
    *,
    name: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    day: dt.date | None = None,
) -> HttpResponse:
    """The table as a CSV (streamed) or XLSX (temporary file) download; see the module docstring.
    ``fmt`` must be one of ``FORMATS`` (the URL pattern or the view checks it)."""
    day = day or clock.today()

    def lines() -> Iterator[Sequence[Any]]:
        yield [title_line(title, day)]
        yield list(headers)
        yield from rows

    response: HttpResponse
    if fmt == "csv":
        response = StreamingHttpResponse(csv_chunks(lines()), content_type=FORMATS["csv"])
    else:
        handle = tempfile.TemporaryFile(prefix="socredit-export-")  # noqa: SIM115 — FileResponse closes it
        try:
            write_xlsx_file(lines(), handle, sheet_title=title)
            handle.seek(0)
        except BaseException:
            handle.close()
            raise
        response = FileResponse(handle, content_type=FORMATS["xlsx"])
    response["Content-Disposition"] = content_disposition(file_name(name, fmt, day))
    response["Cache-Control"] = "no-store"  # non-public data: no shared cache keeps a copy
    return response


def export_refusal(request: Any, fmt: str, queryset: Any, back_url: str) -> HttpResponse | None:
    """What a table's export view checks before it records the download and answers: the format
    (404 for another), and for XLSX the number of rows (counted up to the sheet's limit + 1, the
    table's own filter and scope) — a refusal page, or None when the export may go ahead."""
    if fmt not in FORMATS:
        raise Http404
    if fmt == "xlsx":
        message = too_many_rows(fmt, queryset.order_by()[: XLSX_MAX_ROWS + 1].count())
        if message:
            return refused(request, message, back_url)
    return None


def refused_filter(request: Any, form: Any, back_url: str) -> HttpResponse:
    """A refused export whose filter does not validate: each field by its label with its errors."""
    problems = "；".join(
        f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}" for f, e in form.errors.items()
    )
    return refused(request, _("The filter is not valid: %(problems)s") % {"problems": problems}, back_url)


def refused(request: Any, message: str, back_url: str) -> HttpResponse:
    """A refused export: the error page's frame with the reason and the way back to the table (400)."""
    from django.shortcuts import render

    context = {"message": message, "back_url": back_url, "status": 400, "persona": "staff"}
    return render(request, "errors/export_refused.html", context, status=400)
