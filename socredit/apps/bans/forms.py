"""Forms of the register's pages. They only parse: every rule (a valid ID number, a ground's length,
dates in order, a reason) is the services', whose FieldErrors are put back onto these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from socredit.apps.bans.models import BanSource, BanState
from socredit.apps.records.forms import ServiceErrorsMixin, date_input
from socredit.common.choices import enum_choices
from socredit.core import bans as rules
from socredit.core.bans import BanKind
from socredit.core.types import RoleKind

EXPIRED = "expired"
"""A filter value: in force by state, past its last day."""


def _date(label: Any, help_text: Any = "") -> forms.DateField:
    # Not required here: a missing date is refused by the service, with its own message.
    return forms.DateField(label=label, required=False, widget=date_input(), help_text=help_text)


def ground_choices() -> list[tuple[str, str]]:
    lang = get_language()
    return [(g.code, g.title(lang)) for g in rules.GROUNDS]


class FilterForm(forms.Form):
    """The register's filters: state, kind, ground, source, and a name or document number."""

    state = forms.ChoiceField(label=_("State"), required=False)
    kind = forms.ChoiceField(label=pgettext_lazy("ban", "Kind"), required=False)
    ground = forms.ChoiceField(label=pgettext_lazy("ban", "Ground"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    q = forms.CharField(label=_("Name or document number"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("Any state")), *BanState.choices, (EXPIRED, _("Expired"))]
        self.fields["kind"].choices = [("", _("Any kind")), *enum_choices(BanKind)]
        self.fields["ground"].choices = [("", _("Any ground")), *ground_choices()]
        self.fields["source"].choices = [("", _("Any source")), *BanSource.choices]


class BanForm(ServiceErrorsMixin, forms.Form):
    """记录从业禁止、任职限制 — a ban decided by this authority."""

    name = forms.CharField(label=pgettext_lazy("ban", "Name"), required=False, max_length=50)
    id_number = forms.CharField(label=_("ID number"), required=False, max_length=20,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}))  # fmt: skip
    ground = forms.ChoiceField(label=pgettext_lazy("ban", "Ground"), required=False)
    kind = forms.ChoiceField(label=pgettext_lazy("ban", "Kind"), required=False,
                             help_text=_("Only for another decision: a ground the law provides has its own kind."))  # fmt: skip
    ground_text = forms.CharField(label=_("Ground in words"), required=False, max_length=1000,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("Required for another decision."))  # fmt: skip
    legal_basis = forms.CharField(label=_("Legal basis"), required=False, max_length=1000,
                                  help_text=_("Title and article, e.g. 《社会团体登记管理条例》第三十条. Required for another decision."))  # fmt: skip
    scope = forms.CharField(label=_("Posts or sector barred"), required=False, max_length=1000,
                            help_text=_("Required for another decision."))  # fmt: skip
    scope_region = forms.CharField(label=_("Region barred (code)"), required=False, max_length=6,
                                   help_text=_("Empty: everywhere."))  # fmt: skip
    organization = forms.CharField(label=_("Organization concerned (code)"), required=False, max_length=18)
    post = forms.ChoiceField(label=_("Post held there"), required=False)
    authority = forms.CharField(label=_("Deciding authority"), required=False, max_length=100)
    document_number = forms.CharField(label=_("Document number"), required=False, max_length=100)
    decided_on = _date(_("Decided on"))
    start_on = _date(_("From"), _("Empty: the decision date."))
    until = _date(_("Until (last day)"), _("Leave empty where the law fixes the length, or give the years."))
    years = forms.CharField(label=_("Length in years"), required=False, max_length=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = ground_choices()
        self.fields["kind"].choices = [("", "—"), *enum_choices(BanKind)]
        self.fields["post"].choices = [("", "—"), *enum_choices(RoleKind)]


class DecideForm(ServiceErrorsMixin, forms.Form):
    """Confirm or dismiss a proposed ban: the reason (required to dismiss)."""

    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class LiftForm(ServiceErrorsMixin, forms.Form):
    """Lift a ban in force from a day, with the reason."""

    lifted_on = _date(_("Lifted from"))
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
