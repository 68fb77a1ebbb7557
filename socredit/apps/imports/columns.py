"""The columns of each import kind: internal field name, Chinese header, required, example value.

The field names are those of the validators (`registry.validation`, `records.validation`), so a
row dict goes to them unchanged. Templates and error reports are built from these tables.
"""

from __future__ import annotations

from socredit.apps.imports.models import ImportKind
from socredit.common.imports import Column, write_csv, write_xlsx

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
    Column("kind", "信用信息事项", True, "penalty_warning"),
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

COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.ORGANIZATIONS: ORGANIZATION_COLUMNS,
    ImportKind.ROLES: ROLE_COLUMNS,
    ImportKind.RECORDS: RECORD_COLUMNS,
}

REPORT_HEADERS = ("行号（row）", "列（column）", "字段（field）", "错误原因（message）")


def column_title(kind: str, field: str) -> str:
    """The header the user sees for a field of an error ("" for a row-level error)."""
    for col in COLUMNS[kind]:
        if col.field == field:
            return col.title
    return ""


def template_file(kind: str, fmt: str) -> bytes:
    """The downloadable template: headers 中文名（field）, one example row."""
    cols = COLUMNS[kind]
    headers = [c.title for c in cols]
    rows = [[c.example for c in cols]]
    return write_xlsx(headers, rows, title=kind) if fmt == "xlsx" else write_csv(headers, rows)


def report_file(errors: list[dict], fmt: str) -> bytes:
    """The full row-error report of a run, as CSV (UTF-8 with BOM) or XLSX."""
    rows = [[e["row"], e.get("column", ""), e.get("field", ""), e["message"]] for e in errors]
    return (
        write_xlsx(REPORT_HEADERS, rows, title="errors") if fmt == "xlsx" else write_csv(REPORT_HEADERS, rows)
    )
