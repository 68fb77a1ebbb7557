"""The targets' values and the choice of published statistics."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from socredit.apps.statistics.models import TargetKey
from socredit.apps.statistics.panels import PUBLISHABLE


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
