"""The targets' values and the choice of published statistics."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socredit.apps.statistics.assessment.periods import parse_preset
from socredit.apps.statistics.models import TargetKey
from socredit.apps.statistics.panels import PUBLISHABLE
from socredit.common.errors import FieldErrors


class TargetsForm(forms.Form):
    """One percentage per target gauge (0–100, one decimal)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in TargetKey:
            self.fields[key.value] = forms.DecimalField(
                label=key.label, min_value=Decimal(0), max_value=Decimal(100), decimal_places=1, max_digits=4,
                help_text=_("Percent, 0 to 100"),
            )  # fmt: skip


class PublicationForm(forms.Form):
    panels = forms.MultipleChoiceField(
        label=_("Statistics published on the public portal"), required=False,
        choices=[(k, v) for k, v in PUBLISHABLE.items()], widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip


class AssessmentForm(forms.Form):
    """考核报告: the region (a code at or below the user's own; empty: the user's own), a quarter
    preset or two dates, and the report's language."""

    region = forms.CharField(label=_("Region code"), required=False, max_length=12,
                             help_text=_("Empty: your own region."))  # fmt: skip
    period = forms.CharField(
        label=_("Period"), required=False, max_length=10,
        widget=forms.TextInput(attrs={"list": "assessment-quarters", "placeholder": "2026Q3"}),
        help_text=_("A quarter (2026Q3), a month (2026-07) or a year (2026); or leave empty and give the dates."),
    )  # fmt: skip
    start = forms.DateField(
        label=pgettext_lazy("period", "From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=pgettext_lazy("period", "To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    language = forms.ChoiceField(
        label=_("Language of the report"), choices=[("zh-hans", "中文"), ("en", "English")]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # in the reader's language (built per form: a list made at import would keep that language)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [("zh-hans", _("Chinese")), ("en", _("English"))]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period"):
            try:
                preset = parse_preset(data["period"])
            except FieldErrors as exc:
                self.add_error("period", exc.errors["period"])
                return data
            data["start"], data["end"] = preset.start, preset.end
        elif not (data.get("start") and data.get("end")) and not self.errors:
            self.add_error("period", _("Choose a quarter, a month or a year, or give both dates."))
        return data
