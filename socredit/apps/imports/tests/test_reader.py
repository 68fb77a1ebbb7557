"""The reader: encodings, XLSX, header forms, file-level refusals."""

import datetime as dt
import io

import pytest

from socredit.apps.imports.columns import RECORD_COLUMNS
from socredit.common.imports import Column, ImportFileError, read_table, write_csv, write_xlsx

pytestmark = pytest.mark.vendor_neutral  # reading files: no database (socredit/testing/vendor.py)

COLS = (Column("code", "统一社会信用代码", True), Column("name", "名称", True), Column("note", "备注"))


def test_csv_utf8_with_and_without_bom_and_gb18030():
    for raw in (
        "统一社会信用代码,名称\nA1,示例协会\n".encode("utf-8-sig"),
        "code,name\nA1,示例协会\n".encode(),
        "统一社会信用代码,名称\nA1,示例协会\n".encode("gb18030"),
    ):
        assert list(read_table(raw, "x.csv", COLS)) == [(2, {"code": "A1", "name": "示例协会"})]


def test_xlsx_reads_with_templated_headers_and_dates():
    content = write_xlsx(
        ["统一社会信用代码（code）", "名称(name)", "备注"],
        [["A1", "甲", dt.datetime(2024, 5, 1)], [None, None, None], [12345, "乙", 3.0]],
    )
    rows = list(read_table(content, "x.xlsx", COLS))
    assert rows == [
        (2, {"code": "A1", "name": "甲", "note": dt.date(2024, 5, 1)}),
        (4, {"code": "12345", "name": "乙", "note": "3"}),
    ]


def test_row_numbers_count_blank_rows_as_the_spreadsheet_does():
    raw = "code,name\n\nA1,甲\n,\nA2,乙\n".encode()
    assert [n for n, _ in read_table(raw, "x.csv", COLS)] == [3, 5]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "x.csv", "文件为空"),
        (b"code,name\n", "x.csv", "没有数据行"),
        ("名称\n甲\n".encode(), "x.csv", "缺少必需的列：统一社会信用代码（code）"),
        (b"code,name\nA,B\n", "x.pdf", "文件类型不支持"),
        (b"code,name\nA,B\n", "x.xls", ".xls"),
        (b"not a zip", "x.xlsx", "不是有效的 Excel"),
        (b"PK\x03\x04garbage", "x.xlsx", "Excel 文件无法读取"),
        (b"code,code,name\nA,B,C\n", "x.csv", "出现了两次"),
        (b"\xff\xfe\x00\x00\x81\x30\xff", "x.csv", "无法识别文件编码"),
    ],
)
def test_file_level_errors(content, name, message):
    with pytest.raises(ImportFileError, match=message):
        read_table(content, name, COLS)


def test_oversize_file_is_refused(settings):
    settings.SOCREDIT_IMPORT_MAX_BYTES = 10
    with pytest.raises(ImportFileError, match="文件过大"):
        read_table(b"code,name\nA1,B\n", "x.csv", COLS)


def test_missing_record_columns_are_named():
    raw = write_csv(["统一社会信用代码", "发生日期"], [["x", "2024-01-01"]])
    with pytest.raises(ImportFileError) as exc:
        read_table(raw, "r.csv", RECORD_COLUMNS)
    assert "信用信息事项（kind）" in str(exc.value) and "发布部门（department）" in str(exc.value)


DANGEROUS = ['=HYPERLINK("http://example.com","点此")', "+1+2", "-3", "@SUM(A1)", "\t=1", "\r=1"]


def test_xlsx_reports_write_formula_like_text_as_inert_text():
    import io

    import openpyxl

    content = write_xlsx(
        ["统一社会信用代码（code）", "名称（name）", "备注（note）"], [["A1", v, v] for v in DANGEROUS]
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]  # formulas as written, not computed
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [v.replace("\r", "\n") for v in DANGEROUS]  # XML keeps no bare CR
    assert {c.data_type for c in cells} == {"s"}  # text, never "f" (a formula)
    # read back as the importer reads it: the values as typed (the reader strips the edges of a cell)
    assert [r[1]["name"] for r in read_table(content, "x.xlsx", COLS)] == [v.strip() for v in DANGEROUS]


def test_csv_reports_neutralise_formulas_and_the_reader_restores_them():
    content = write_csv(
        ["code", "name", "note"], [["A1", v, 42] for v in DANGEROUS] + [["A2", "普通'文字", -5]]
    )
    text = content.decode("utf-8-sig")
    import csv
    import io

    written = [row[1] for row in csv.reader(io.StringIO(text, newline=""))][1:]
    assert all(w.startswith("'") for w in written[:-1]) and written[-1] == "普通'文字"
    rows = list(read_table(content, "x.csv", COLS))
    assert [r[1]["name"] for r in rows] == [v.strip() for v in DANGEROUS] + ["普通'文字"]
    assert rows[-1][1]["note"] == "-5"  # numbers are not text: left as they are


class ChunkSpy(io.BytesIO):
    """A file that records how much each read asks for."""

    def __init__(self, data):
        super().__init__(data)
        self.asked = []

    def read(self, size=-1):
        self.asked.append(size)
        return super().read(size)

    def read1(self, size=-1):
        self.asked.append(size)
        return super().read1(size)


def test_an_open_file_is_read_as_a_stream_never_whole():
    """A stored upload is read chunk by chunk (both passes of an import), with the same rows as
    its bytes, and stays open for its owner to close."""
    raw = write_csv(["统一社会信用代码", "名称"], [[f"A{i}", "示例协会" * 20] for i in range(20_000)])
    assert len(raw) > 3 * 1048576
    f = ChunkSpy(raw)
    rows = list(read_table(f, "x.csv", COLS))
    assert rows == list(read_table(raw, "x.csv", COLS)) and len(rows) == 20_000
    assert all(0 <= size <= 1048576 for size in f.asked)  # never read(-1): never the whole file
    assert not f.closed
    xlsx = write_xlsx(["code", "name"], [["A1", "甲"], ["A2", "乙"]])
    assert [n for n, _ in read_table(io.BytesIO(xlsx), "x.xlsx", COLS)] == [2, 3]


def test_an_open_file_in_gb18030_is_decoded_as_a_stream():
    """A file whose UTF-8 decoding fails only past the first chunk is read again as GB18030."""
    raw = ("统一社会信用代码,名称\n" + "A1,abc\n" * 190_000 + "A2,示例协会\n").encode("gb18030")
    rows = list(read_table(ChunkSpy(raw), "x.csv", COLS))
    assert rows[-1] == (190_002, {"code": "A2", "name": "示例协会"})
