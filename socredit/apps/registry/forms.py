"""Forms of the registry pages. The organization filter form comes from OrganizationFilter (shared
with the API); here it only gets the widgets and hints of the staff UI."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from socredit.apps.registry.filters import OrganizationFilter

ALL = _("All")
"""The blank option of a filter select."""
SORT_DEFAULT = _("By name")
"""The blank option of the sort select: the list's default order."""


def organization_filter(data, queryset, scope_path: str | None = None) -> OrganizationFilter:
    """The shared filter set, with widgets for the list page (search box, region picker, selects)."""
    filterset = OrganizationFilter(data, queryset=queryset, scope_path=scope_path)
    fields = filterset.form.fields
    fields["q"].widget = forms.TextInput(
        attrs={
            "type": "search",
            "placeholder": _("Name or unified social credit code"),
            "autocomplete": "off",
        }
    )
    for name in ("registered_from", "registered_to"):
        fields[name].widget = forms.DateInput(attrs={"type": "date"})
    for name in ("score_min", "score_max"):
        fields[name].widget = forms.NumberInput(
            attrs={"min": 0, "max": 100, "step": 1, "inputmode": "numeric"}
        )
    for name in ("org_type", "field", "status", "level", "sort"):
        fields[name].empty_label = SORT_DEFAULT if name == "sort" else ALL
        fields[name].choices = fields[name].choices.choices  # rebuild the widget's options with the new label
    return filterset
