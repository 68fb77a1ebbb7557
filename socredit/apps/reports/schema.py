"""The open data's tables: each column's name, type, Chinese title and meaning, and how a public
profile (``portal.public.public_profile``) becomes rows. ``schema.json`` in every release is this
table written out; docs/reports.md explains it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from socredit.apps.portal.public import SCHEMA as PROFILE_SCHEMA

VERSION = "socredit.open-data/1"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string | integer | date | decimal | boolean
    title: str  # Chinese column title
    description: str


ORG = Column(
    "organization_code", "string", "统一社会信用代码", "The organization's unified social credit code (key)."
)


def _c(name: str, type_: str, title: str, description: str) -> Column:
    return Column(name, type_, title, description)


TABLES: dict[str, list[Column]] = {
    "organizations": [
        ORG,
        _c("name", "string", "名称", "Registered name."),
        _c("former_names", "string", "曾用名", "Former names, oldest first, separated by '；'."),
        _c("type", "string", "类型", "社会团体 / 社会服务机构 / 基金会."),
        _c("field", "string", "业务领域", "Field of activity."),
        _c("status", "string", "登记状态", "Registration status."),
        _c("region", "string", "所在地区", "Region of registration, in full."),
        _c("registration_authority", "string", "登记管理机关", "Registration authority."),
        _c("supervisory_unit", "string", "业务主管单位", "Business supervisory unit, if any."),
        _c("registered_on", "date", "成立登记日期", "Date of registration."),
        _c("address", "string", "住所", "Registered address."),
        _c("business_scope", "string", "业务范围", "Business scope."),
        _c("evaluation_grade", "string", "评估等级", "Evaluation grade in force, if any."),
        _c("evaluation_grade_valid_until", "date", "评估等级有效期至", "Last day the grade is valid."),
        _c("credit_level", "string", "信用等级", "Credit level, only where the authority publishes levels."),
    ],
    "persons": [
        ORG,
        _c("name", "string", "姓名", "Name of the responsible person (no ID number is ever published)."),
        _c("role", "string", "职务", "Post."),
    ],
    "registration_changes": [
        ORG,
        _c("act", "string", "登记事项", "Registration act."),
        _c("item", "string", "变更事项", "What changed."),
        _c("before", "string", "变更前", "Before."),
        _c("after", "string", "变更后", "After."),
        _c("effective_on", "date", "生效日期", "Effective date."),
        _c("document_number", "string", "文号", "Document number."),
    ],
    "records": [
        ORG,
        _c(
            "section",
            "string",
            "类别",
            "行政许可 / 行政处罚 / 年度工作报告 / 抽查检查 / 评估等级 / 表彰奖励 / 其他.",
        ),
        _c("kind", "string", "信息类型", "Kind of record."),
        _c("negative", "boolean", "失信信息", "true for negative (dishonesty) information."),
        _c("document_number", "string", "决定文书号", "Decision document number."),
        _c("decided_on", "date", "决定日期", "Decision date."),
        _c("occurred_on", "date", "发生日期", "Date of the conduct or event."),
        _c("authority", "string", "决定机关", "Deciding or reporting authority."),
        _c("amount", "decimal", "金额（元）", "Amount in yuan (fines, confiscations), if any."),
        _c("summary", "string", "内容", "Content of the decision."),
        _c("legal_basis", "string", "依据", "Legal basis."),
        _c("severity", "string", "失信程度", "Severity class of negative information."),
        _c("publicity_until", "date", "公示截止期", "Last day of its publicity period."),
        _c("under_objection", "boolean", "异议中", "true while an objection to it is being handled."),
    ],
    "listings": [
        ORG,
        _c("state", "string", "状态", "列入中 (in force on the data date) or 已移出 (a past stay)."),
        _c("list_name", "string", "名单", "活动异常名录 / 严重违法失信名单 / 红名单."),
        _c("entered_on", "date", "列入日期", "Date of entry."),
        _c("ground", "string", "列入事由", "Ground of entry."),
        _c("legal_basis", "string", "依据", "Legal basis."),
        _c("authority", "string", "作出决定机关", "Deciding authority."),
        _c("document_number", "string", "决定文书号", "Decision document number."),
        _c("left_on", "date", "移出日期", "Date of removal, once removed."),
        _c("exit_ground", "string", "移出事由", "Ground of removal."),
        _c("exit_document_number", "string", "移出决定文书号", "Removal decision document number."),
        _c("under_objection", "boolean", "异议中", "true while an objection to it is being handled."),
    ],
    "commitments": [
        ORG,
        _c("title", "string", "承诺书", "Title of the credit commitment."),
        _c("matter", "string", "承诺事项", "Matter committed to."),
        _c("subject", "string", "事由", "Subject."),
        _c("text", "string", "承诺内容", "Text of the commitment."),
        _c("signed_by", "string", "签署人", "Signed by."),
        _c("signed_on", "date", "签署日期", "Date signed."),
        _c("due_on", "date", "履约期限", "Due date, if any."),
        _c("status", "string", "状态", "State of the commitment."),
    ],
    "annual_reports": [
        ORG,
        _c("year", "integer", "报告年度", "Year the annual work report is about (filed the year after)."),
        _c("result", "string", "年检结论", "合格 / 基本合格 / 不合格."),
        _c("submitted_on", "date", "报送日期", "Date the report was first submitted."),
        _c("concluded_on", "date", "办结日期", "Date the registration authority concluded its review."),
        _c(
            "whole_report",
            "boolean",
            "全文公开",
            "true where the whole report is published (foundations, charities).",
        ),
        _c("basis", "string", "公开依据", "Instruments under which it is published, separated by '；'."),
    ],
    "annual_report_fields": [
        ORG,
        _c("year", "integer", "报告年度", "Year of the report."),
        _c("item", "string", "项目代码", "Stable key of the item (e.g. activities_summary)."),
        _c("title", "string", "项目", "Item of the report, in Chinese."),
        _c("value", "string", "内容", "What the report states (yes/no and choices as words)."),
    ],
    "annual_report_figures": [
        ORG,
        _c("year", "integer", "报告年度", "Year of the report."),
        _c("statement", "string", "报表", "资产负债表 / 业务活动表 / 其他财务数据."),
        _c("item", "string", "项目代码", "Stable key of the figure (e.g. bs_total_assets)."),
        _c("title", "string", "项目", "Line of the statement, in Chinese."),
        _c("value", "decimal", "金额（元）", "Amount in yuan, two decimal places."),
    ],
}
"""Only the public part of concluded annual work reports is in the annual_report_* tables: the
fields and figures the rules for the organization's type publish, never the contact person."""
SECTION_TITLES = {
    "licences": "行政许可",
    "penalties": "行政处罚",
    "annual_reports": "年度工作报告",
    "inspections": "抽查检查",
    "grades": "评估等级",
    "commendations": "表彰奖励",
    "other": "其他",
}


def rows_of(profile: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The rows of every table that one public profile gives."""
    org = profile["organization"]
    code = {"organization_code": org["code"]}
    grade = profile.get("evaluation_grade") or {}
    level = profile.get("credit_level") or {}
    lists = profile["lists"]
    return {
        "organizations": [
            {
                **code,
                **{
                    k: org.get(k)
                    for k in (
                        "name",
                        "type",
                        "field",
                        "status",
                        "region",
                        "registration_authority",
                        "supervisory_unit",
                        "registered_on",
                        "address",
                        "business_scope",
                    )
                },
                "former_names": "；".join(org.get("former_names") or []),
                "evaluation_grade": grade.get("grade"),
                "evaluation_grade_valid_until": grade.get("valid_until"),
                "credit_level": level.get("level"),
            }  # fmt: skip
        ],
        "persons": [{**code, **p} for p in profile["persons"]],
        "registration_changes": [{**code, **c} for c in profile["registration_changes"]],
        "records": [
            {**code, **r, "section": SECTION_TITLES.get(section, section)}
            for section, records in profile["records"].items()
            for r in records
        ],
        "listings": [
            {**code, **e, "state": "列入中" if key != "history" else "已移出"}
            for key in ("current", "red", "history")
            for e in lists[key]
        ],
        "commitments": [{**code, **c} for c in profile["commitments"]],
        **_annual_report_rows(code, profile.get("annual_work_reports") or []),
    }


def _annual_report_rows(
    code: dict[str, Any], reports: list[dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    return {
        "annual_reports": [
            {**code, "year": r["year"], "result": r["result"], "submitted_on": r["submitted_on"],
             "concluded_on": r["concluded_on"], "whole_report": r["whole_report"], "basis": "；".join(r["basis"])}
            for r in reports
        ],
        "annual_report_fields": [
            {**code, "year": r["year"], "item": f["code"], "title": f["label"], "value": f["value"]}
            for r in reports
            for f in r["fields"]
        ],
        "annual_report_figures": [
            {**code, "year": r["year"], "statement": f["statement"], "item": f["code"], "title": f["label"],
             "value": f["value"]}
            for r in reports
            for f in r["figures"]
        ],
    }  # fmt: skip


def schema_document() -> dict[str, Any]:
    return {
        "version": VERSION,
        "profile_schema": PROFILE_SCHEMA,
        "encoding": "UTF-8 (CSV with a byte-order mark); gzip; one JSON object per line in .jsonl.gz",
        "tables": {
            name: [
                {"name": c.name, "type": c.type, "title": c.title, "description": c.description}
                for c in columns
            ]
            for name, columns in TABLES.items()
        },
    }
