"""Forms of the warning pages: the inbox filter, a note, the self-report, a rule's edit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from socredit.apps.records.forms import ServiceErrorsMixin
from socredit.apps.riskwarnings.display import FIGURE_BY_CODE
from socredit.apps.riskwarnings.models import WarningRule, WarningState
from socredit.apps.riskwarnings.validation import NOTE_MAX, THRESHOLD_PREFIX
from socredit.common.choices import enum_choices
from socredit.core.riskwarnings.rules import KIND_THRESHOLDS, Level
from socredit.core.types import RoleKind


def option_label(code: str, language: str | None) -> str:
    """A threshold option in words: a report figure or a post."""
    figure = FIGURE_BY_CODE.get(code)
    if figure is not None:
        return figure.label(language)
    try:
        return RoleKind.by_code(code).label(language)
    except ValueError:
        return code


def _rule_choices(qs: Any) -> list[tuple[str, str]]:
    en = (get_language() or "").startswith("en")
    return [(r.code, r.name_en if en else r.name) for r in qs]


class FilterForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), required=False)
    rule = forms.ChoiceField(label=_("Rule"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    region = forms.ChoiceField(label=_("Region or street"), required=False)
    since = forms.DateField(
        label=_("First seen from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("First seen until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    held = forms.BooleanField(label=_("Held by my office"), required=False)

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_ = [("", _("All"))]
        self.fields["level"].choices = any_ + enum_choices(Level)
        self.fields["rule"].choices = any_ + _rule_choices(WarningRule.objects.order_by("code"))
        self.fields["state"].choices = [("", _("Open (all open states)"))] + list(WarningState.choices) + [("all", _("All states"))]  # fmt: skip
        self.fields["region"].choices = any_ + regions


class NoteForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class SelfReportForm(ServiceErrorsMixin, forms.Form):
    organization = forms.CharField(label=_("Unified social credit code"), max_length=18)
    rule = forms.ChoiceField(label=_("Kind of risk"))
    reason = forms.CharField(label=_("What was found"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 4}),
                             required=False)  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = _rule_choices(
            WarningRule.objects.filter(enabled=True).order_by("-kind", "code")
        )


class RuleForm(ServiceErrorsMixin, forms.Form):
    """enabled, level, handling days, dates, and one field per threshold of the rule's kind."""

    enabled = forms.BooleanField(label=_("Enabled"), required=False)
    level = forms.ChoiceField(label=_("Level"))
    handling_days = forms.CharField(label=_("Working days to handle before escalation"))
    effective_from = forms.CharField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    effective_until = forms.CharField(
        label=_("Effective until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, rule: WarningRule, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rule = rule
        self.fields["level"].choices = enum_choices(Level)
        language = get_language()
        for spec in KIND_THRESHOLDS[rule.kind]:
            name = f"{THRESHOLD_PREFIX}{spec.name}"
            if spec.type == "codes":
                choices = [(o, option_label(o, language)) for o in spec.options]
                if spec.single:
                    field: forms.Field = forms.ChoiceField(label=spec.label(language), required=False, choices=choices,
                                                           widget=forms.RadioSelect)  # fmt: skip
                else:
                    field = forms.MultipleChoiceField(label=spec.label(language), required=False, choices=choices,
                                                      widget=forms.CheckboxSelectMultiple)  # fmt: skip
            elif spec.type == "bool":
                field = forms.BooleanField(label=spec.label(language), required=False)
            else:
                field = forms.CharField(label=spec.label(language), required=False)
            self.fields[name] = field

    @classmethod
    def initial_for(cls, rule: WarningRule) -> dict[str, Any]:
        data: dict[str, Any] = {"enabled": rule.enabled, "level": rule.level, "handling_days": rule.handling_days,
                                "effective_from": rule.effective_from.isoformat(),
                                "effective_until": rule.effective_until.isoformat() if rule.effective_until else ""}  # fmt: skip
        for spec in KIND_THRESHOLDS[rule.kind]:
            value = rule.thresholds.get(spec.name)
            if spec.single and isinstance(value, list):
                value = value[0] if value else ""
            data[f"{THRESHOLD_PREFIX}{spec.name}"] = value
        return data

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        thresholds = {
            spec.name: d.get(f"{THRESHOLD_PREFIX}{spec.name}") for spec in KIND_THRESHOLDS[self.rule.kind]
        }
        return {"enabled": d.get("enabled"), "level": d.get("level"), "handling_days": d.get("handling_days"),
                "effective_from": d.get("effective_from"), "effective_until": d.get("effective_until"),
                "thresholds": thresholds}  # fmt: skip
