"""Spreadsheet reader for imports: CSV (UTF-8 with or without BOM, GB18030 fallback) and XLSX.

`read_table(source, file_name, columns)` checks the file as a whole (size, type, readable, not
empty, required columns present) and raises ImportFileError with a message for the user; it then
yields `(row_number, {field: value})` for every non-blank data row, where `row_number` is the row
as the user sees it in the spreadsheet (the header is row 1).

The source is the file's bytes or an open, seekable binary file (an upload stored on disk): the
file is read as a stream, never whole into memory — CSV through an incremental decoder, XLSX with
openpyxl's read-only (streaming) worksheets.

A column is recognised by its internal field name, its Chinese header, or both written as
"中文名（field）" / "中文名(field)" — the form of the downloadable templates.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings

CSV_ENCODINGS = ("utf-8-sig", "gb18030")
"""Tried in order: UTF-8 (the BOM is optional) then GB18030, the encoding of Chinese Excel's CSV."""

_XLSX_MAGIC = b"PK\x03\x04"
_HEADER_WITH_FIELD = re.compile(r"^(?P<label>.*?)\s*[（(]\s*(?P<field>[A-Za-z_][A-Za-z0-9_]*)\s*[)）]\s*$")


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; the message says why, in Chinese, for the user."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an import: internal field name, Chinese header, whether it must be present."""

    field: str
    header: str
    required: bool = False
    example: str = ""

    @property
    def title(self) -> str:
        """The header written in templates and reports: 中文名（field）."""
        return f"{self.header}（{self.field}）"


def file_format(file_name: str, head: bytes) -> str:
    """ "csv" or "xlsx" from the name and the first bytes; ImportFileError for anything else."""
    name = (file_name or "").lower()
    if name.endswith(".xlsx"):
        if not head.startswith(_XLSX_MAGIC):
            raise ImportFileError("文件扩展名为 .xlsx，但内容不是有效的 Excel 工作簿")
        return "xlsx"
    if name.endswith(".csv") or name.endswith(".txt"):
        if head.startswith(_XLSX_MAGIC):
            raise ImportFileError("文件扩展名为 .csv，但内容是 Excel 工作簿，请改为 .xlsx 后缀")
        return "csv"
    if name.endswith(".xls"):
        raise ImportFileError("不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV")
    raise ImportFileError("文件类型不支持：请上传 CSV（.csv）或 Excel（.xlsx）文件")


def _cell(value: Any) -> Any:
    """Normalise a cell: text stripped, integral numbers as digits, dates kept as dates."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    return value


_CHUNK = 1 << 20
"""Bytes read at a time from the file."""


def _csv_encoding(f: IO[bytes]) -> str:
    """The first of CSV_ENCODINGS the whole file decodes in, read chunk by chunk."""
    for encoding in CSV_ENCODINGS:
        f.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := f.read(_CHUNK):
                if "\x00" in decoder.decode(chunk):
                    raise ImportFileError("文件无法读取：CSV 内容含有二进制数据")
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ImportFileError("无法识别文件编码：CSV 文件应为 UTF-8 或 GB18030（GBK）编码")


def _csv_rows(f: IO[bytes]) -> Iterator[list[Any]]:
    encoding = _csv_encoding(f)
    f.seek(0)
    text = io.TextIOWrapper(f, encoding=encoding, newline="")
    try:
        first_line = text.readline()
        text.seek(0)
        dialect: Any = csv.excel_tab if "\t" in first_line and "," not in first_line else csv.excel
        try:
            for row in csv.reader(text, dialect):
                # an apostrophe that made a formula-like cell inert (write_csv, or Excel's own) is not data
                yield [_cell(v[1:] if v[:1] == "'" and v[1:].startswith(FORMULA_STARTS) else v) for v in row]
        except csv.Error as exc:
            raise ImportFileError(f"CSV 文件格式错误：{exc}") from None
    finally:
        with contextlib.suppress(ValueError):  # already closed by the caller
            text.detach()  # the caller's file stays open: it closes it


def _xlsx_rows(f: IO[bytes]) -> Iterator[list[Any]]:
    import openpyxl  # imported here: only XLSX imports pay for it

    _check_inflated_size(f)
    f.seek(0)
    try:
        book = openpyxl.load_workbook(f, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(f"Excel 文件无法读取：{exc}") from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise ImportFileError("Excel 文件中没有工作表")
        for row in sheet.iter_rows(values_only=True):
            yield [_cell(v) for v in row]
    finally:
        book.close()


def _check_inflated_size(f: IO[bytes]) -> None:
    """Refuse a workbook whose parts inflate past the limit, before any of it is parsed (the sizes
    are in the zip's directory; a part that lies about its size fails when read)."""
    limit = settings.SOCREDIT_IMPORT_MAX_UNCOMPRESSED_BYTES
    try:
        with zipfile.ZipFile(f) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(f"Excel 文件无法读取：{exc}") from None
    if inflated > limit:
        raise ImportFileError(
            f"Excel 文件解压后过大（{inflated / 1048576:.0f} MB，上限 {limit / 1048576:.0f} MB），"
            "请删除空白行列或分成几个文件导入"
        )


def _bounded(row_number: int, row: list[Any]) -> list[Any]:
    """``row`` if it is within the column and cell limits; ImportFileError naming the row otherwise."""
    if len(row) > settings.SOCREDIT_IMPORT_MAX_COLUMNS and any(
        v != "" for v in row[settings.SOCREDIT_IMPORT_MAX_COLUMNS :]
    ):
        raise ImportFileError(
            f"第 {row_number} 行超过 {settings.SOCREDIT_IMPORT_MAX_COLUMNS} 列，请只保留导入模板中的列"
        )
    limit = settings.SOCREDIT_IMPORT_MAX_CELL_CHARS
    for i, v in enumerate(row):
        if isinstance(v, str) and len(v) > limit:
            raise ImportFileError(
                f"第 {row_number} 行第 {i + 1} 列内容过长（{len(v):,} 个字符，上限 {limit:,}）"
            )
    return row


def match_header(cell: Any, columns: Sequence[Column]) -> Column | None:
    """The column a header cell names: field name, Chinese header, or 中文名（field）."""
    text = str(cell or "").strip().lstrip("\ufeff").strip()
    if not text:
        return None
    m = _HEADER_WITH_FIELD.match(text)
    candidates = [m.group("field"), m.group("label")] if m else [text]
    for cand in candidates:
        for col in columns:
            if cand.lower() == col.field.lower() or cand == col.header:
                return col
    return None


def _is_blank(f: IO[bytes]) -> bool:
    f.seek(0)
    while chunk := f.read(_CHUNK):
        if chunk.strip():
            return False
    return True


def read_table(
    source: bytes | IO[bytes], file_name: str, columns: Sequence[Column], *, max_bytes: int | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Check the file and return an iterator of (spreadsheet row number, {field: cell value}).

    `source` is the file's bytes or an open, seekable binary file, which the caller keeps open
    until the rows are read (and closes). File-level problems raise ImportFileError before the
    first row is returned. Fields whose column is absent from the file are absent from the dict;
    blank rows are skipped.
    """
    f: IO[bytes] = io.BytesIO(source) if isinstance(source, bytes) else source
    limit = settings.SOCREDIT_IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    size = f.seek(0, io.SEEK_END)
    if size > limit:
        raise ImportFileError(f"文件过大（{size / 1048576:.1f} MB，上限 {limit / 1048576:.0f} MB）")
    if _is_blank(f):
        raise ImportFileError("文件为空")
    f.seek(0)
    fmt = file_format(file_name, f.read(8))
    rows = _xlsx_rows(f) if fmt == "xlsx" else _csv_rows(f)

    header: list[Any] | None = None
    header_row = 0
    for header_row, row in enumerate(rows, start=1):  # noqa: B007 — the row number is used after the loop
        if any(v != "" for v in row):
            header = row
            break
    if header is None:
        raise ImportFileError("文件为空：没有表头和数据行")
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for i, cell in enumerate(header):
        col = match_header(cell, columns)
        if col is None:
            if str(cell).strip():
                unknown.append(str(cell).strip())
            continue
        if col.field in positions:
            raise ImportFileError(f"表头中“{col.title}”列出现了两次")
        positions[col.field] = i
    missing = [c.title for c in columns if c.required and c.field not in positions]
    if missing:
        hint = f"（无法识别的列：{'、'.join(unknown[:10])}）" if unknown else ""
        raise ImportFileError(f"缺少必需的列：{'、'.join(missing)}{hint}")

    first = next(rows, None)
    number = header_row + 1
    while first is not None and not any(v != "" for v in first):
        first = next(rows, None)
        number += 1
    if first is None:
        raise ImportFileError("文件只有表头，没有数据行")

    def _iter() -> Iterator[tuple[int, dict[str, Any]]]:
        n = number
        row: list[Any] | None = first
        data_rows, max_rows = 0, settings.SOCREDIT_IMPORT_MAX_ROWS
        while row is not None:
            if any(v != "" for v in row):
                data_rows += 1
                if data_rows > max_rows:
                    raise ImportFileError(f"数据行超过 {max_rows:,} 行的上限，请分成几个文件导入")
                row = _bounded(n, row)
                yield n, {f: (row[i] if i < len(row) else "") for f, i in positions.items()}
            row = next(rows, None)
            n += 1

    return _iter()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet take a text cell for a formula (CSV injection): a file we write echoes
what users and other departments typed, so such a cell is written as inert text."""


def _is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def write_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A CSV that Excel opens correctly in Chinese: UTF-8 with BOM. A text cell that would start a
    formula gets a leading apostrophe (CSV has no cell types); the reader takes it off again, so a
    corrected error report imports the values as they were typed."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["'" + h if _is_formula_like(h) else h for h in headers])
    writer.writerows([["" if v is None else "'" + v if _is_formula_like(v) else v for v in r] for r in rows])
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    title: str = "Sheet1",
    sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]] = (),
) -> bytes:
    """An XLSX workbook: the first sheet of ``headers`` and ``rows`` (the one an import reads), then
    any further ``sheets`` as (title, headers, rows). A text cell that would start a formula is
    stored as a text cell (openpyxl would otherwise write it as a live formula), unchanged."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    for sheet_title, sheet_headers, sheet_rows in [(title, headers, rows), *sheets]:
        sheet = book.create_sheet(title=sheet_title[:31])

        def cell(value: Any, sheet: Any = sheet) -> Any:
            if not _is_formula_like(value):
                return "" if value is None else value
            inert = WriteOnlyCell(sheet, value=value)
            inert.data_type = "s"
            return inert

        sheet.append([cell(h) for h in sheet_headers])
        for r in sheet_rows:
            sheet.append([cell(v) for v in r])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
