"""Forms of the list pages. They only parse: every rule (a document number, a date not in the future,
a ground the records still support, the removal deadline) is checked by the services, whose
FieldErrors are put back onto these fields with ``add_service_errors``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from socredit.apps.lists.models import LIST_CHOICES, ListDecision
from socredit.apps.records.forms import ServiceErrorsMixin
from socredit.apps.registry.fields import RegionField


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
    document_number = forms.CharField(
        label=_("Document number"), required=False, max_length=100,
        help_text=_("Leave empty to take the next number of the authority's document number pattern."),
    )  # fmt: skip
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
        label=_("Written certificate of no direct responsibility"),
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
    document_number = forms.CharField(
        label=_("Document number"), required=False, max_length=100,
        help_text=_("Leave empty to take the next number of the authority's document number pattern."),
    )  # fmt: skip
    authority = forms.CharField(label=_("Deciding authority"), required=False, max_length=100)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EntryFilterForm(forms.Form):
    """``?region=&ground=&q=&as_of=`` of a list's members."""

    region = RegionField()
    ground = forms.CharField(label=_("Ground"), required=False, max_length=20)
    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)
    as_of = _date(_("Status on"))


class RaiseProposalForm(ServiceErrorsMixin, forms.Form):
    """人工列入建议 — a ground the records cannot decide (R1.6(2), R1.6(7), R1.12(2), R1.12(8))."""

    code = forms.CharField(label=_("Unified social credit code"), max_length=18)
    ground = forms.ChoiceField(label=_("Ground"), choices=())
    arose_on = _date(_("Ground arose on"), required=True)
    reason = forms.CharField(
        label=_("Facts and the provision relied on"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    records = forms.CharField(
        label=_("Records relied on"),
        required=False,
        max_length=500,
        help_text=_("Optional: numbers of the organization's credit records, separated by commas or spaces."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from socredit.apps.lists.models import LIST_LABELS
        from socredit.apps.lists.presentation import manual_grounds

        super().__init__(*args, **kwargs)
        # the list disambiguates the two "其他情形" grounds; the item code stays out of the page
        choices = [(g.code, f"{LIST_LABELS[g.list]}: {g.title}") for g in manual_grounds()]
        self.fields["ground"].choices = [("", "—"), *choices]

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()

    def clean_records(self) -> list[int]:
        text = self.cleaned_data["records"].replace("，", ",").replace(",", " ")
        ids = []
        for part in text.split():
            if not part.isdigit():
                raise forms.ValidationError(_("“%(value)s” is not a record number.") % {"value": part})
            ids.append(int(part))
        return sorted(set(ids))


class RedPublicationForm(ServiceErrorsMixin, forms.Form):
    """守信红名单年度发布 — propose the year's candidates."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class RedConfirmForm(_RowForm, DecisionFields):
    """守信红名单发布决定 — confirm one candidate."""

    prefix_name = "red"


class PersonFilterForm(forms.Form):
    """``?q=&hidden=`` of the responsible persons."""

    q = forms.CharField(label=_("Name or organization"), required=False, max_length=100)
    hidden = forms.BooleanField(label=_("Include listings no longer public"), required=False)


class NoticeForm(_RowForm):
    """事先告知 (R1.5) — written, or by internet announcement after two unsigned special letters (R1.7)."""

    prefix_name = "notice"
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[("written", _("written notice")), ("announcement", _("internet announcement"))],
        initial="written",
    )
    served_on = _date(_("Served on"))
    document_number = forms.CharField(
        label=_("Document number"), required=False, max_length=100,
        help_text=_("Leave empty to take the next number of the authority's document number pattern."),
    )  # fmt: skip
    authority = forms.CharField(label=_("Authority"), required=False, max_length=100)
    first_mailed_on = _date(_("First special letter mailed on"))
    first_unsigned = forms.BooleanField(label=_("First letter not signed for"), required=False)
    second_mailed_on = _date(_("Second special letter mailed on"))
    second_unsigned = forms.BooleanField(label=_("Second letter not signed for"), required=False)

    def mailings(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {"mailed_on": data[f"{n}_mailed_on"], "unsigned": data[f"{n}_unsigned"]}
            for n in ("first", "second")
            if data.get(f"{n}_mailed_on")
        ]


class DecisionExportForm(forms.Form):
    """``?list=&kind=&decided_from=&decided_to=`` of the list decisions' export."""

    list = forms.ChoiceField(label=_("List"), required=False, choices=[("", ""), *LIST_CHOICES])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", ""), *ListDecision.Kind.choices])
    decided_from = _date(_("Decided from"))
    decided_to = _date(_("Decided up to"))
