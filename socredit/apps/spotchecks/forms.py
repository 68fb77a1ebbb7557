"""Forms of the spot-check pages: a plan (rates in percent, factors per level, field and list), a
result, a special letter, a rectification, a re-draw, an inspector and a conflict."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from socredit.apps.records.forms import ServiceErrorsMixin
from socredit.apps.spotchecks.models import CheckContent, CheckResult, PlanKind
from socredit.apps.spotchecks.validation import LISTS
from socredit.common.choices import enum_choices, label_of
from socredit.core.scoring.model import LEVEL_CODES
from socredit.core.types import OrgField, OrgType

LIST_LABELS = {
    "abnormal": _("On the list of organizations with abnormal activities"),
    "serious": _("On the list of seriously illegal and dishonest organizations"),
    "red": _("On the red list"),
}
PCT = Decimal(100)


def _pct(value: Any) -> float | None:
    return None if value in (None, "") else float(Decimal(value) / PCT)


class PlanForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanKind.choices)
    authority = forms.ChoiceField(label=_("Registration authority (region)"))
    scope_regions = forms.MultipleChoiceField(
        label=_("Regions checked"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the authority's whole region."),
    )  # fmt: skip
    scope_types = forms.MultipleChoiceField(
        label=_("Organization types"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=enum_choices(OrgType), help_text=_("None ticked: every type."),
    )  # fmt: skip
    scope_fields = forms.MultipleChoiceField(
        label=_("Fields"), required=False, widget=forms.CheckboxSelectMultiple, choices=enum_choices(OrgField),
        help_text=_("None ticked: every field."),
    )  # fmt: skip
    content = forms.MultipleChoiceField(
        label=_("Check content"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=CheckContent.choices,
    )
    base_rate = forms.DecimalField(label=_("Base rate (%)"), max_digits=6, decimal_places=3, min_value=0)
    onsite_ratio = forms.DecimalField(
        label=_("Checked on site (% of the organizations in scope)"), max_digits=6, decimal_places=3, min_value=0,
        initial=0,
    )  # fmt: skip
    inspectors_onsite = forms.IntegerField(label=_("Inspectors per on-site check"), min_value=1, max_value=10)
    inspectors_written = forms.IntegerField(
        label=_("Inspectors per written check"), min_value=1, max_value=10, initial=1
    )

    def __init__(self, *args: Any, regions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(r.code, f"{r.name}（{r.code}）") for r in regions]
        self.fields["authority"].choices = choices
        self.fields["scope_regions"].choices = choices
        factor = {"max_digits": 6, "decimal_places": 2, "min_value": 0, "required": False}
        for level in LEVEL_CODES:
            self.fields[f"level_{level}"] = forms.DecimalField(label=_("Credit level %(level)s") % {"level": level}, **factor)  # fmt: skip
        for name in LISTS:
            self.fields[f"list_{name}"] = forms.DecimalField(label=LIST_LABELS[name], **factor)
        for f in OrgField:
            self.fields[f"field_{f.value}"] = forms.DecimalField(label=label_of(f), **factor)
            self.fields[f"fixed_{f.value}"] = forms.DecimalField(
                label=label_of(f), max_digits=6, decimal_places=3, min_value=0, max_value=100, required=False
            )

    def factor_rows(self) -> dict[str, list[Any]]:
        return {
            "levels": [self[f"level_{c}"] for c in LEVEL_CODES],
            "lists": [self[f"list_{n}"] for n in LISTS],
            "fields": [(self[f"field_{f.value}"], self[f"fixed_{f.value}"]) for f in OrgField],
        }

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data

        def table(prefix: str, keys: Any, scale: bool = False) -> dict[str, float]:
            out = {}
            for k in keys:
                v = d.get(f"{prefix}_{k}")
                if v is not None:
                    out[k] = _pct(v) if scale else float(v)
            return out  # type: ignore[return-value]  # _pct of a present value is a float

        fields = [f.value for f in OrgField]
        return {
            "title": d["title"], "year": d["year"], "kind": d["kind"], "authority": d["authority"],
            "scope_regions": d["scope_regions"], "scope_types": d["scope_types"], "scope_fields": d["scope_fields"],
            "content": d["content"], "base_rate": _pct(d["base_rate"]), "onsite_ratio": _pct(d["onsite_ratio"]) or 0.0,
            "inspectors_onsite": d["inspectors_onsite"], "inspectors_written": d["inspectors_written"],
            "level_factors": table("level", LEVEL_CODES), "list_factors": table("list", LISTS),
            "field_factors": table("field", fields), "fixed_field_rates": table("fixed", fields, scale=True),
        }  # fmt: skip

    @staticmethod
    def initial_from(plan: Any) -> dict[str, Any]:
        initial = {
            "title": plan.title, "year": plan.year, "kind": plan.kind, "authority": plan.authority.code,
            "scope_regions": plan.scope_regions, "scope_types": plan.scope_types, "scope_fields": plan.scope_fields,
            "content": plan.content, "base_rate": Decimal(str(plan.base_rate)) * PCT,
            "onsite_ratio": Decimal(str(plan.onsite_ratio)) * PCT, "inspectors_onsite": plan.inspectors_onsite,
            "inspectors_written": plan.inspectors_written,
        }  # fmt: skip
        initial.update({f"level_{k}": v for k, v in plan.level_factors.items()})
        initial.update({f"list_{k}": v for k, v in plan.list_factors.items()})
        initial.update({f"field_{k}": v for k, v in plan.field_factors.items()})
        initial.update({f"fixed_{k}": Decimal(str(v)) * PCT for k, v in plan.fixed_field_rates.items()})
        return initial


class SeedForm(ServiceErrorsMixin, forms.Form):
    seed = forms.CharField(
        label=_("Random seed"), max_length=64, required=False,
        help_text=_("Numbers drawn in public, for example; left empty, the system draws 128 random bits."),
    )  # fmt: skip


class ResultForm(ServiceErrorsMixin, forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=CheckResult.choices, widget=forms.RadioSelect)
    checked_on = forms.DateField(label=_("Checked on"), widget=forms.DateInput(attrs={"type": "date"}))
    findings = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    rectify_by = forms.DateField(
        label=_("Rectify by"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Needed when problems were found."),
    )  # fmt: skip


class LetterForm(ServiceErrorsMixin, forms.Form):
    mailed_on = forms.DateField(label=_("Mailed on"), widget=forms.DateInput(attrs={"type": "date"}))
    unsigned = forms.BooleanField(label=_("Nobody signed for it"), required=False, initial=True)


class RectifiedForm(ServiceErrorsMixin, forms.Form):
    rectified_on = forms.DateField(label=_("Rectified on"), widget=forms.DateInput(attrs={"type": "date"}))


class RedrawForm(ServiceErrorsMixin, forms.Form):
    inspector = forms.TypedChoiceField(label=_("Inspector to replace"), coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class InspectorForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    badge_number = forms.CharField(label=_("Law-enforcement certificate number"), max_length=40)
    region = forms.ChoiceField(label=_("Region"))


class ConflictForm(ServiceErrorsMixin, forms.Form):
    inspector = forms.TypedChoiceField(label=_("Inspector"), coerce=int)
    organization = forms.CharField(label=_("Unified social credit code of the organization"), max_length=18)
    reason = forms.CharField(label=_("Link"), max_length=200)
