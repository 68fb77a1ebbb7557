"""Forms of 陈述申辩 (statements of case on a prior notice). They only parse; the rules (the period, the
dates, one filing per notice, an answer with reasons) are the service's, whose FieldErrors are put
back onto these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from socredit.apps.records.forms import ServiceErrorsMixin


def _date(label: Any) -> forms.DateField:
    # Not required here: a missing date is refused by the service, with its own message.
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class _Form(ServiceErrorsMixin, forms.Form):
    prefix_name = "st"

    def __init__(self, data: Any = None, files: Any = None, *, row: Any = "", **kwargs: Any) -> None:
        # ``row`` keeps the element ids unique when the block is shown once per proposal on a page
        kwargs.setdefault("auto_id", f"id_{self.prefix_name}{row}_%s")
        super().__init__(data, files, **kwargs)


class PaperStatementForm(_Form):
    """A statement received on paper, entered by staff with the day it was received."""

    prefix_name = "paper"
    received_on = _date(_("Received on"))
    text = forms.CharField(
        label=_("Facts and reasons stated"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class WaiverForm(_Form):
    """放弃陈述申辩 — the organization's written waiver, entered by staff."""

    prefix_name = "waiver"
    received_on = _date(_("Received on"))


class AnswerForm(_Form):
    """复核意见 — the authority's answer to a statement."""

    prefix_name = "answer"
    outcome = forms.ChoiceField(
        label=_("Result of the review"),
        required=False,
        widget=forms.RadioSelect,
        choices=[("rejected", _("Not upheld: the decision may proceed")),
                 ("upheld", _("Upheld: the proposal is withdrawn, no listing"))],
    )  # fmt: skip
    answer = forms.CharField(
        label=_("Answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when not upheld: it is printed in the listing decision."),
    )
    answered_on = _date(_("Answered on"))

    def upheld(self) -> bool | None:
        value = self.cleaned_data.get("outcome")
        return {"upheld": True, "rejected": False}.get(value or "")


class OrganizationStatementForm(_Form):
    """The organization's own statement from its account (received today)."""

    prefix_name = "own"
    text = forms.CharField(
        label=_("Your statement: the facts and reasons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
