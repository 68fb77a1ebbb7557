"""Forms of the list pages. They only parse: every rule (a document number, a date not in the future,
a ground the records still support, the removal deadline) is checked by the services, whose
FieldErrors are put back onto these fields with ``add_service_errors``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from socredit.apps.records.forms import ServiceErrorsMixin


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: Any, required: bool = False) -> forms.DateField:
    # Not required here: a missing date is refused by the service, with its own message.
    return forms.DateField(label=label, required=required, widget=_date_input())


class _RowForm(ServiceErrorsMixin, forms.Form):
    """A form shown once per row: ``row`` keeps the element ids unique on the page."""

    def __init__(self, data: Any = None, *, row: Any = "", **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.prefix_name}{row}_%s")
        super().__init__(data, **kwargs)

    prefix_name = "f"


class DecisionFields(forms.Form):
    document_number = forms.CharField(label=_("Document number"), required=False, max_length=100)
    decided_on = _date(_("Decided on"))
    authority = forms.CharField(
        label=_("Deciding authority"),
        required=False,
        max_length=100,
        help_text=_("Leave empty for the registration authority of the organization."),
    )


class ConfirmForm(_RowForm, DecisionFields):
    """列入决定 — confirm a proposal as proposed."""

    prefix_name = "confirm"


class DismissForm(_RowForm):
    """不予列入 — a ground needing judgement is not confirmed."""

    prefix_name = "dismiss"
    reason = forms.CharField(
        label=_("Reason for not listing"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExemptForm(_RowForm, DecisionFields):
    """R1.8 — not listed on a written certificate of no direct responsibility."""

    prefix_name = "exempt"
    certificate = forms.CharField(
        label=_("Certificate of no direct responsibility (R1.8)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ApplyForm(_RowForm):
    """移出申请 — filed by staff on the organization's behalf."""

    prefix_name = "apply"
    applied_on = _date(_("Applied on"))
    evidence = forms.CharField(
        label=_("Evidence of correction"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class VerifyForm(_RowForm):
    """查实 — the removal is then due within N working days."""

    prefix_name = "verify"
    verified_on = _date(_("Verified on"))
    fulfilment_confirmed = forms.BooleanField(
        label=_("The obligations are fulfilled"), required=False, initial=True
    )


class DecideRemovalForm(_RowForm):
    """移出决定 — approve (with a document number) or refuse (with a reason)."""

    prefix_name = "decide"
    decided_on = _date(_("Decided on"))
    document_number = forms.CharField(label=_("Document number"), required=False, max_length=100)
    authority = forms.CharField(label=_("Deciding authority"), required=False, max_length=100)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EntryFilterForm(forms.Form):
    """``?region=&ground=&q=&as_of=`` of a list's members."""

    region = forms.CharField(label=_("Region code"), required=False, max_length=12)
    ground = forms.CharField(label=_("Ground"), required=False, max_length=20)
    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)
    as_of = _date(_("Status on"))
