"""Forms of the check pages: a new check, the filters, a catalogue version, feedback."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from socredit.apps.measures.models import FeedbackOutcome
from socredit.common.choices import enum_choices
from socredit.core.measures.catalogue import Scenario
from socredit.core.measures.domains import PUSHED_DOMAINS, domain_list_name

_SPLIT = re.compile(r"[\s,，;；、]+")


def split_lines(text: str) -> list[str]:
    """Codes or ID numbers pasted one per line (or separated by commas, spaces)."""
    return [part for part in _SPLIT.split(text or "") if part]


class CheckForm(forms.Form):
    scenario = forms.ChoiceField(label=_("Business matter"), choices=enum_choices(Scenario))
    codes = forms.CharField(
        label=_("Unified social credit codes of organizations"), required=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "mono", "spellcheck": "false"}),
        help_text=_("One per line (up to 10,000 subjects in all)."),
    )  # fmt: skip
    id_numbers = forms.CharField(
        label=_("ID numbers of persons (legal representatives, responsible persons)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "mono", "spellcheck": "false", "autocomplete": "off"}),
        help_text=_("One per line. The report shows them only in part."),
    )  # fmt: skip
    as_of = forms.DateField(
        label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: today. A past day checks the status on that day."),
    )  # fmt: skip


class CheckFilterForm(forms.Form):
    lacking = forms.BooleanField(label=_("Only checks lacking feedback past the deadline"), required=False)


class StatisticsForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _domain_choices() -> list[tuple[str, str]]:
    from django.utils.translation import get_language

    return [("", _("All domains"))] + [(d, domain_list_name(d, get_language() or "")) for d in PUSHED_DOMAINS]


class ListingFilterForm(forms.Form):
    domain = forms.ChoiceField(label=_("Domain"), required=False, choices=_domain_choices)
    q = forms.CharField(label=_("Name or code"), required=False, max_length=50)


class CatalogueForm(forms.Form):
    text = forms.CharField(
        label=_("Catalogue text"), widget=forms.Textarea(attrs={"rows": 30, "class": "mono", "spellcheck": "false"}),
        help_text=_("The whole catalogue as a TOML document with a new version name and the day it takes effect."),
    )  # fmt: skip
    reason = forms.CharField(label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2}))


OUTCOME_CHOICES = [("", _("— no feedback yet —")), *FeedbackOutcome.choices]
