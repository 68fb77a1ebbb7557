"""A report as readers see it: its sections with each fact and figure labelled in the active language,
the whole report (the organization itself, staff) or only its public part (what will be published,
``core.annualreports.schema.disclosure``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language, pgettext

from socredit.apps.annualreports.models import AnnualReport
from socredit.core.annualreports.schema import (
    FIGURES,
    AttachmentKind,
    Disclosure,
    FieldKind,
    Section,
    Statement,
    audit_requirement,
    disclosure,
    fields_for,
    yes,
)
from socredit.core.types import OrgType


@dataclass
class Row:
    code: str
    label: str
    value: str
    public: bool


@dataclass
class Part:
    key: str
    label: str
    rows: list[Row] = field(default_factory=list)
    statements: list[tuple[str, list[Row]]] = field(default_factory=list)


def report_disclosure(report: AnnualReport) -> Disclosure:
    return disclosure(
        OrgType(report.organization.org_type), charity=yes(report.content.get("charity_organization"))
    )


def report_audit(report: AnnualReport) -> Any:
    c = report.content
    return audit_requirement(OrgType(report.organization.org_type), charity=yes(c.get("charity_organization")),
                             public_fundraising=yes(c.get("public_fundraising")))  # fmt: skip


def _shown(spec: Any, value: Any, language: str) -> str:
    if value in (None, ""):
        return "—"
    if spec.kind is FieldKind.YES_NO:
        return pgettext("answer", "Yes") if yes(value) else pgettext("answer", "No")
    if spec.kind is FieldKind.CHOICE:
        choice = spec.choice(str(value))
        return choice.label(language) if choice else str(value)
    return str(value)


def report_parts(report: AnnualReport, *, public_only: bool = False) -> list[Part]:
    """The report's sections; with ``public_only`` only the published facts and figures (sections
    left empty are dropped)."""
    language = get_language() or "zh-hans"
    rules = report_disclosure(report)
    figures = report.figure_values()
    parts = []
    for section in Section:
        if section is Section.ATTACHMENTS:
            continue
        part = Part(section.value, section.label(language))
        for spec in fields_for(OrgType(report.organization.org_type), section):
            public = rules.field_public(spec.code)
            if public or not public_only:
                part.rows.append(Row(spec.code, spec.label(language), _shown(spec, report.content.get(spec.code),
                                                                             language), public))  # fmt: skip
        if section is Section.FINANCE:
            for statement in Statement:
                rows = [
                    Row(f.code, f.label(language), f"{figures[f.code]:,.2f}" if f.code in figures else "—",
                        rules.figure_public(f.code))
                    for f in FIGURES
                    if f.statement is statement and (rules.figure_public(f.code) or not public_only)
                    and (f.code in figures or statement is not Statement.OTHER)
                ]  # fmt: skip
                if rows:
                    part.statements.append((statement.label(language), rows))
        if part.rows or part.statements:
            parts.append(part)
    return parts


def public_attachments(report: AnnualReport) -> list[Any]:
    kinds = report_disclosure(report).attachments
    return [a for a in report.attachments.all() if AttachmentKind(a.kind) in kinds]
