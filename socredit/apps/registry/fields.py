"""行政区划选择 as a form field: every filter that narrows by region takes a name or a code the same way.

The organization list, the proposal queue, a list's members and the commitments all filter by region;
staff type 金水区, 金水 or 410105 and pick from the suggestions (`registry:region_suggest`), and the field
cleans to the one Region meant (`registry.regions.resolve_region`) or says why none or several.
The form sets ``scope_path`` (the user's tree) before validating; names are looked up within it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from socredit.apps.registry.models import Region
from socredit.apps.registry.regions import MAX_TEXT, resolve_region


class RegionPickerInput(forms.TextInput):
    """The region box with its <datalist> of suggestions (the datalist's id is fixed: one picker a page,
    named ``region``, as the suggestions partial expects)."""

    template_name = "registry/widgets/region_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"placeholder": _("Name or code, e.g. 金水区"), "maxlength": MAX_TEXT, "autocomplete": "off",
                "list": "region-options"}  # fmt: skip
        super().__init__({**base, **(attrs or {})})


class RegionField(forms.CharField):
    """A region by code or by name, looked up among the regions of ``scope_path`` (the user's tree;
    None for every region): cleans to the Region, or None when left empty."""

    widget = RegionPickerInput
    scope_path: str | None = None

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Region"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", MAX_TEXT)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Region | None:  # type: ignore[override]  # a Region, not the text
        text = super().clean(value)
        return resolve_region(text, self.scope_path) if text else None
