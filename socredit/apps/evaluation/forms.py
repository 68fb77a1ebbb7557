"""Forms of the credit-evaluation pages. They only parse: the evaluation date's range and the model
version are checked by the services (check_as_of, get_model), whose messages go onto the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from socredit.apps.evaluation.indicators import available_models, default_version
from socredit.apps.registry.models import Region
from socredit.core.types import RegionLevel
from socredit.core.values import parse_date


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def model_choices() -> list[tuple[str, str]]:
    """Installed indicator models, the configured default first."""
    models = sorted(available_models(), key=lambda m: (m.version != default_version(), m.version))
    return [(m.version, f"{m.version} · {m.title}") for m in models]


class AsOfField(forms.CharField):
    """An evaluation date as YYYY-MM-DD; the message of a bad one says what is wrong, in Chinese."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _date_input())
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not value:
            return None
        try:
            return parse_date(value, allow_future=True)  # the future is refused by check_as_of
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None


class CreditQueryForm(forms.Form):
    """``?as_of=YYYY-MM-DD&model=VERSION`` of the credit panel; both optional (today, the default model)."""

    as_of = AsOfField(label=_("Evaluated as of"), required=False)
    model = forms.CharField(label=_("Model"), required=False, max_length=60)

    def clean_model(self) -> str | None:
        return (self.cleaned_data.get("model") or "").strip() or None


class WhatIfForm(forms.Form):
    """假设分析: the records to leave out; only records of the organization itself are accepted."""

    exclude = forms.TypedMultipleChoiceField(
        label=_("Leave out"),
        coerce=int,
        required=False,
        error_messages={
            "invalid_choice": _(
                "Record #%(value)s is not a credit record of this organization; "
                "only its own records can be left out."
            ),
        },
    )

    def __init__(self, data: Any = None, *, record_ids: Any) -> None:
        super().__init__(data)
        self.fields["exclude"].choices = [(str(pk), str(pk)) for pk in record_ids]


class RunForm(forms.Form):
    """Start a batch evaluation: the date, the model, and the region (within the account's scope)."""

    as_of = AsOfField(
        label=_("Evaluated as of"), required=False, help_text=_("Leave empty to evaluate as of today.")
    )
    model = forms.ChoiceField(label=_("Model"))
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False)

    def __init__(self, data: Any = None, *, scope_path: str) -> None:
        super().__init__(data)
        self.fields["model"].choices = model_choices()
        self.fields["model"].initial = default_version()
        region = self.fields["region"]
        regions = Region.objects.filter(active=True).exclude(level=RegionLevel.STREET.value).order_by("path")
        if scope_path:
            # A regional account evaluates its own region or one below it, never the whole country.
            regions = regions.filter(path__startswith=scope_path)
            region.required = True
            region.initial = regions.filter(path=scope_path).first()
            region.empty_label = None
        else:
            region.empty_label = _("Whole country")
        region.queryset = regions
        region.label_from_instance = lambda r: f"{'　' * max(r.path.count('/') - 3, 0)}{r.name}（{r.code}）"
