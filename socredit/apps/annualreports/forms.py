"""Forms of the annual-report pages. They only parse and keep what was typed: every rule is checked
by the services (through ``core.annualreports.validation``), whose FieldErrors are put back onto
these fields with ``add_service_errors``. The report form is built from the schema: one field per
fact of the organization's type, one text box per figure (kept as typed, so that "12,3a" comes back
with its message rather than vanishing)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from socredit.apps.annualreports.risk import risk_filter_choices
from socredit.apps.records.forms import ServiceErrorsMixin, date_input
from socredit.apps.registry.fields import RegionField
from socredit.common.choices import enum_choices
from socredit.core.annualreports.schema import (
    FIGURES,
    AttachmentKind,
    FieldKind,
    InspectionResult,
    ReportField,
    ReportState,
    Section,
    Statement,
    fields_for,
)
from socredit.core.types import OrgField, OrgType

YES_NO = [("yes", pgettext_lazy("answer", "Yes")), ("no", pgettext_lazy("answer", "No"))]


def _fact_field(spec: ReportField, language: str) -> forms.Field:
    common: dict[str, Any] = {
        "label": spec.label(language),
        "required": False,
        "help_text": spec.help(language),
    }
    if spec.kind is FieldKind.TEXT:
        return forms.CharField(**common, widget=forms.TextInput(attrs={"maxlength": spec.max_length + 50}))
    if spec.kind is FieldKind.LONG_TEXT:
        return forms.CharField(**common, widget=forms.Textarea(attrs={"rows": 3}))
    if spec.kind is FieldKind.COUNT:
        return forms.CharField(
            **common, widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "num"})
        )
    if spec.kind is FieldKind.YES_NO:
        return forms.ChoiceField(**common, choices=YES_NO, widget=forms.RadioSelect)
    return forms.ChoiceField(
        **common, choices=[("", "—"), *((c.code, c.label(language)) for c in spec.choices)]
    )


class ReportForm(ServiceErrorsMixin, forms.Form):
    """年度工作报告 — the facts of the organization's type and the statements' figures."""

    def __init__(self, *args: Any, org_type: OrgType, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = get_language() or "zh-hans"
        self.org_type = org_type
        self.fact_specs = fields_for(org_type)
        for spec in self.fact_specs:
            self.fields[spec.code] = _fact_field(spec, language)
        for figure in FIGURES:
            self.fields[figure.code] = forms.CharField(
                label=figure.label(language), required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "num", "autocomplete": "off"}),
            )  # fmt: skip

    def sections(self) -> list[dict[str, Any]]:
        """The bound fields by section, in order, for the template (the statements by statement)."""
        language = get_language() or "zh-hans"
        out = []
        for section in Section:
            if section is Section.ATTACHMENTS:
                continue
            facts = [self[s.code] for s in self.fact_specs if s.section is section]
            statements = []
            if section is Section.FINANCE:
                for statement in Statement:
                    rows = [self[f.code] for f in FIGURES if f.statement is statement]
                    statements.append(
                        {"key": statement.value, "label": statement.label(language), "fields": rows}
                    )
            out.append({"key": section.value, "label": section.label(language), "facts": facts,
                        "statements": statements})  # fmt: skip
        return out

    @staticmethod
    def initial_from(report: Any) -> dict[str, Any]:
        initial = dict(report.content)
        for code, value in report.figure_values().items():
            initial[code] = f"{value:.2f}"
        return initial

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        content = {s.code: data.get(s.code) for s in self.fact_specs}
        figures = {f.code: data.get(f.code) or "" for f in FIGURES}
        return {"content": content, "figures": figures}


class SubmitForm(ServiceErrorsMixin, forms.Form):
    """提交 — the name of the person signing and the ticked statement of truthfulness."""

    declared_by_name = forms.CharField(label=_("Signed by (legal representative or person in charge)"),
                                       required=False, max_length=60)  # fmt: skip
    confirm = forms.BooleanField(
        label=_("We have read the statement above and confirm it."),
        required=True,
        error_messages={"required": _("Tick the box to sign the statement of truthfulness.")},
    )


class PaperForm(ServiceErrorsMixin, forms.Form):
    """纸质报告录入 — the year, the day the paper report was received and who signed it."""

    year = forms.IntegerField(label=_("Year reported"), min_value=1990, max_value=2100)
    received_on = forms.DateField(label=_("Received on"), required=False, widget=date_input())
    declared_by_name = forms.CharField(
        label=_("Signed by (as on the paper report)"), required=False, max_length=60
    )


class AttachmentForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What the file is"), choices=enum_choices(AttachmentKind))
    files = forms.FileField(label=_("File (PDF, OFD, JPG or PNG)"), required=False)


class ReturnForm(ServiceErrorsMixin, forms.Form):
    reasons = forms.CharField(label=_("What must be corrected"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class ConcludeForm(ServiceErrorsMixin, forms.Form):
    result = forms.ChoiceField(label=pgettext_lazy("annual report", "Result"), choices=enum_choices(InspectionResult), widget=forms.RadioSelect,
                               required=False)  # fmt: skip
    note = forms.CharField(label=_("Note (required unless passed)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class QueueFilterForm(forms.Form):
    """The review queue's filters: year, state, type, field, region, name or code, automatic checks."""

    year = forms.IntegerField(label=_("Year reported"), required=False, min_value=1990, max_value=2100)
    state = forms.ChoiceField(label=_("State"), required=False)
    org_type = forms.ChoiceField(label=_("Type"), required=False)
    field = forms.ChoiceField(label=_("Field"), required=False)
    region = RegionField()
    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)
    risk = forms.ChoiceField(label=_("Automatic checks"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["risk"].choices = [("", _("Any result")), *risk_filter_choices()]
        self.fields["state"].choices = [("", _("Any state")), *enum_choices(ReportState)]
        self.fields["org_type"].choices = [("", _("Any type")), *enum_choices(OrgType)]
        self.fields["field"].choices = [("", _("Any field")), *enum_choices(OrgField)]
