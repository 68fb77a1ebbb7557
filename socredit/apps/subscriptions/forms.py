"""The staff page's subscription form and the replay-from form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socredit.apps.accounts.forms import FieldErrorsMixin
from socredit.apps.subscriptions.access import managed_departments
from socredit.apps.subscriptions.services import LISTS

KIND_LABELS = {
    "list.entered": _("Entered on a list"),
    "list.removed": _("Removed from a list"),
    "credit.level_changed": _("Credit level changed"),
    "record.repaired": _("Record repaired (credit repair)"),
    "record.revoked": _("Record revoked"),
    "record.corrected": _("Record corrected"),
    "record.expired": _("Record no longer published (publicity period over)"),
    "ban.created": _("New ban on a person (barred from a post or an activity)"),
}
"""The change kinds in the page's language (records.outbox.KINDS holds the Chinese names)."""
LIST_LABELS = {
    "abnormal": _("list of organizations with abnormal activities"),
    "serious": _("list of seriously illegal and dishonest organizations"),
    "red": _("red list of trustworthy organizations"),
}


class SubscriptionForm(FieldErrorsMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What the subscription is for, e.g. “checks before granting subsidies”."))  # fmt: skip
    organizations = forms.CharField(
        label=_("Organizations"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Unified social credit codes, separated by spaces, commas or new lines."),
    )  # fmt: skip
    regions = forms.CharField(
        label=_("Regions"), required=False,
        help_text=_("Region codes (e.g. 410105); each includes the regions below it."),
    )  # fmt: skip
    lists = forms.MultipleChoiceField(
        label=pgettext_lazy("subscribed", "Lists"), required=False, choices=list(LIST_LABELS.items()), widget=forms.CheckboxSelectMultiple,
        help_text=_("Entries on and removals from these lists, for any organization of the department's region."),
    )  # fmt: skip
    kinds = forms.MultipleChoiceField(label=_("Changes"), choices=list(KIND_LABELS.items()),
                                      widget=forms.CheckboxSelectMultiple)  # fmt: skip
    webhook_url = forms.CharField(
        label=_("Webhook URL"), required=False, max_length=500,
        help_text=_("http(s) address of the department's receiver; leave empty to read the feed only."),
    )  # fmt: skip
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, admin: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["department"]
        else:
            del self.fields["active"]
            self.fields["department"].queryset = managed_departments(admin).filter(active=True)
        assert set(LISTS) == set(LIST_LABELS)

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "department"}


class ReplayFromForm(forms.Form):
    from_event = forms.IntegerField(label=_("From change event no."), min_value=1)
