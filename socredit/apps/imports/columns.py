"""The columns of each import kind: internal field name, Chinese header, required, example value.

The field names are those of the validators (`registry.validation`, `records.validation`), so a
row dict goes to them unchanged. Templates and error reports are built from these tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from socredit.apps.imports.models import ImportKind
from socredit.apps.records.models import RecordKind
from socredit.apps.registry.models import Department, Region
from socredit.common.access import scope_path_of
from socredit.common.imports import Column, write_csv, write_xlsx
from socredit.core.annualreports.schema import FIGURES, InspectionResult
from socredit.core.riskwarnings.transactions import Direction
from socredit.core.types import (
    DishonestyClass,
    OrgField,
    OrgStatus,
    OrgType,
    RegionLevel,
    RoleKind,
    Visibility,
)

ORGANIZATION_COLUMNS = (
    Column("code", "统一社会信用代码", True, "51410105MJ0000018H"),
    Column("name", "名称", True, "郑州市金水区示例公益协会"),
    Column("org_type", "组织类型", False, "社会团体"),
    Column("region", "行政区划代码", False, "410105"),
    Column("registration_authority", "登记管理机关", False, "郑州市金水区民政局"),
    Column("supervisory_unit", "业务主管单位", False, ""),
    Column("field", "业务领域", False, "慈善公益"),
    Column("registered_on", "成立登记日期", True, "2015-03-01"),
    Column("status", "登记状态", False, "正常"),
    Column("address", "住所", False, "郑州市金水区花园路1号"),
    Column("contact_person", "联系人", False, "王芳"),
    Column("contact_phone", "联系电话", False, "0371-12345678"),
)

ROLE_COLUMNS = (
    Column("organization", "统一社会信用代码", True, "51410105MJ0000018H"),
    Column("name", "姓名", True, "张伟"),
    Column("id_number", "身份证号码", True, "410105198506010012"),
    Column("kind", "任职类型", True, "法定代表人"),
    Column("start_on", "任职开始日期", True, "2016-01-01"),
    Column("end_on", "任职结束日期", False, ""),
)

RECORD_COLUMNS = (
    Column("organization", "统一社会信用代码", True, "51410105MJ0000018H"),
    Column("kind", "信用信息事项", True, "行政处罚：警告"),
    Column("occurred_on", "发生日期", True, "2024-05-10"),
    Column("decided_on", "决定日期", False, "2024-05-20"),
    Column("document_number", "文书号", False, "郑民罚〔2024〕1号"),
    Column("amount", "金额（元）", False, ""),
    Column("department", "发布部门", True, "郑州市民政局"),
    Column("summary", "内容摘要", False, "未按规定报送年度工作报告"),
    Column("visibility", "公开范围", False, "社会公开"),
    Column("dishonesty_class", "失信程度", False, ""),
    Column("persons", "涉及人员身份证号（多个用;分隔）", False, ""),
    Column("external_id", "外部编号", False, ""),
)

_EXAMPLE = {
    "bs_current_assets": "800000.00", "bs_fixed_assets": "200000.00", "bs_total_assets": "1000000.00",
    "bs_current_liabilities": "300000.00", "bs_total_liabilities": "300000.00",
    "bs_unrestricted_net_assets": "700000.00", "bs_total_net_assets": "700000.00",
    "bs_total_liabilities_and_net_assets": "1000000.00", "ia_donation": "400000.00", "ia_total_income": "400000.00",
    "ia_program_costs": "300000.00", "ia_total_expenses": "300000.00", "ia_net_asset_change": "100000.00",
}  # fmt: skip
ANNUAL_REPORT_COLUMNS = (
    Column("organization", "统一社会信用代码", True, "51410105MJ0000018H"),
    Column("year", "报告年度", True, "2024"),
    Column("result", "年检结论", False, "合格"),
    Column("submitted_on", "报送日期", False, "2025-03-20"),
    Column("concluded_on", "办结日期", False, "2025-05-10"),
    *(Column(f.code, f.zh, False, _EXAMPLE.get(f.code, "")) for f in FIGURES),
)
"""One row per organization and year: the result and its dates, then every figure of the
annual-report contract (core.annualreports.schema.FIGURES), in yuan."""

TRANSACTION_COLUMNS = (
    Column("organization", "统一社会信用代码", True, "51410105MJ0000018H"),
    Column("department", "报送部门", True, "郑州市财政局"),
    Column("reference", "交易编号", True, "ZZCZ-2026-000123"),
    Column("occurred_on", "交易日期", True, "2026-03-18"),
    Column("amount", "金额（元）", True, "1200000.00"),
    Column("direction", "资金方向", True, "支出"),
    Column("counterparty", "交易对方", True, "郑州市某某建设工程有限公司"),
    Column("related_party", "关联交易", False, "否"),
    Column("overseas", "境外资金", False, "否"),
    Column("purpose", "用途", False, "养老服务中心改造工程款"),
)
"""One row per transaction a finance or banking department reports (``riskwarnings.transactions``)."""

COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.ORGANIZATIONS: ORGANIZATION_COLUMNS,
    ImportKind.ROLES: ROLE_COLUMNS,
    ImportKind.RECORDS: RECORD_COLUMNS,
    ImportKind.ANNUAL_REPORTS: ANNUAL_REPORT_COLUMNS,
    ImportKind.TRANSACTIONS: TRANSACTION_COLUMNS,
}

REPORT_ROW = "行号（row）"
REPORT_REASONS = "错误原因（errors）"
"""The two columns an error report puts before the template's: neither names a field of any import
kind, so the reader ignores them when the corrected report is uploaded again."""


def column_title(kind: str, field: str) -> str:
    """The header the user sees for a field of an error ("" for a row-level error)."""
    for col in COLUMNS[kind]:
        if col.field == field:
            return col.title
    return ""


VALID_HEADERS = ("列（column）", "可填写的值（value）", "说明（meaning）")
"""The columns of a template's second sheet, 可填写的值."""


def valid_values(kind: str, principal: Any) -> list[tuple[str, str, str]]:
    """What may be written in the columns of ``kind`` that take one of a set of values: (column
    title, value, meaning). Record kinds and departments as the reader accepts them (the Chinese
    name); the departments are those of the principal's region, of the regions above it (whose
    records reach it) and below it."""
    out: list[tuple[str, str, str]] = []

    def enum_rows(field: str, enum_cls: Any) -> None:
        title = column_title(kind, field)
        out.extend((title, m.zh, m.en) for m in enum_cls)

    if kind == ImportKind.ORGANIZATIONS:
        enum_rows("org_type", OrgType)
        enum_rows("field", OrgField)
        enum_rows("status", OrgStatus)
        title = column_title(kind, "region")
        out.extend((title, r.code, r.name) for r in access_regions(principal))
    elif kind == ImportKind.ROLES:
        enum_rows("kind", RoleKind)
    elif kind == ImportKind.ANNUAL_REPORTS:
        enum_rows("result", InspectionResult)
    elif kind == ImportKind.TRANSACTIONS:
        enum_rows("direction", Direction)
        title = column_title(kind, "department")
        out.extend((title, d.name, d.region.name) for d in departments_of(principal))
        for field in ("related_party", "overseas"):
            out.extend((column_title(kind, field), v, "") for v in ("是", "否"))
    else:
        title = column_title(kind, "kind")
        kinds = RecordKind.objects.filter(active=True).order_by("category", "code")
        out.extend((title, k.name_zh, k.name_en) for k in kinds)
        title = column_title(kind, "department")
        out.extend((title, d.name, d.region.name) for d in departments_of(principal))
        enum_rows("visibility", Visibility)
        enum_rows("dishonesty_class", DishonestyClass)
    return out


def departments_of(principal: Any) -> list[Department]:
    """The active departments of the principal's region, the regions above it and those below it."""
    scope = scope_path_of(principal)
    if scope is None:
        return []
    departments = (
        Department.objects.filter(active=True).select_related("region").order_by("region__path", "name")
    )
    return [d for d in departments if d.region.path.startswith(scope) or scope.startswith(d.region.path)]


def access_regions(principal: Any) -> list[Region]:
    """The active regions of the principal's region and below, by code."""
    scope = scope_path_of(principal)
    if scope is None:
        return []
    regions = Region.objects.filter(active=True, path__startswith=scope).exclude(
        level=RegionLevel.STREET.value
    )
    return list(regions.order_by("code"))


def template_file(kind: str, fmt: str, principal: Any = None) -> bytes:
    """The downloadable template: headers 中文名（field）, one example row; the XLSX has a second
    sheet, 可填写的值, listing the valid values of the columns that take one of a set (valid_values)."""
    cols = COLUMNS[kind]
    headers = [c.title for c in cols]
    rows = [[c.example for c in cols]]
    if fmt != "xlsx":
        return write_csv(headers, rows)
    extra = [("可填写的值", VALID_HEADERS, valid_values(kind, principal))] if principal is not None else []
    return write_xlsx(headers, rows, title=kind, sheets=extra)


def report_rows(kind: str, errors: list[dict[str, Any]]) -> Iterator[list[Any]]:
    """One line per failed row: its row number, every reason (column: message, joined), then the
    row's own values in the template's columns (``values`` of the run's errors; empty for a run
    imported before the values were kept)."""
    by_row: dict[int, list[dict[str, Any]]] = {}
    for e in errors:
        by_row.setdefault(e["row"], []).append(e)
    for row, found in sorted(by_row.items()):
        values: dict[str, Any] = next((e["values"] for e in found if e.get("values")), {})
        reasons = "；".join(
            f"{e['column']}：{e['message']}" if e.get("column") else e["message"] for e in found
        )
        yield [row, reasons, *[values.get(c.field, "") for c in COLUMNS[kind]]]


def report_file(kind: str, errors: list[dict[str, Any]], fmt: str) -> bytes:
    """The error report of a run, as CSV (UTF-8 with BOM) or XLSX: the template's columns with each
    failed row's values, after its row number and reasons. Fix the values, delete nothing, upload
    the file again: the row number and reasons are ignored, the fixed rows are imported, rows that
    were already imported are not duplicated (imports are re-runnable)."""
    headers = [REPORT_ROW, REPORT_REASONS, *[c.title for c in COLUMNS[kind]]]
    rows = list(report_rows(kind, errors))
    return write_xlsx(headers, rows, title="errors") if fmt == "xlsx" else write_csv(headers, rows)
