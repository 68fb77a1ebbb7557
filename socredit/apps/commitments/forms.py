"""Forms of the commitment pages. They only parse: every rule (an active template, a deadline where
the template has one, dates not in the future nor before signing, a reason) is checked by the
services, whose FieldErrors are put back onto these fields with ``add_service_errors``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from socredit.apps.commitments.access import commitment_templates
from socredit.apps.commitments.models import CommitmentMatter, CommitmentStatus
from socredit.apps.records.forms import ServiceErrorsMixin, date_input
from socredit.apps.registry.fields import RegionField

DUE_CHOICES = [("", _("Any deadline")), ("soon", _("Due within 7 days")), ("overdue", _("Overdue"))]


def _date(label: Any) -> forms.DateField:
    # Not required here: a missing date is refused by the service, with its own message.
    return forms.DateField(label=label, required=False, widget=date_input())


class FilterForm(forms.Form):
    """The filters of the staff list (status, matter, region, deadline, name or code)."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    matter = forms.ChoiceField(label=_("Matter"), required=False)
    due = forms.ChoiceField(label=_("Deadline"), required=False, choices=DUE_CHOICES)
    region = RegionField()
    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *CommitmentStatus.choices]
        self.fields["matter"].choices = [("", _("Any matter")), *CommitmentMatter.choices]


class _TemplateChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.title


class SignForm(ServiceErrorsMixin, forms.Form):
    """录入纸质承诺书 — staff enter a commitment an organization signed on paper."""

    template = _TemplateChoice(label=_("Commitment template"), queryset=None, to_field_name="code",
                               empty_label="—")  # fmt: skip
    subject = forms.CharField(
        label=_("What it is for"), required=False, max_length=200,
        help_text=_("The project, licence or matter the commitment is made for (required by some templates)."),
    )  # fmt: skip
    due_on = _date(_("To be performed by"))
    signed_by_name = forms.CharField(
        label=_("Signed by (legal representative)"), required=False, max_length=50
    )
    signed_on = _date(_("Signed on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = commitment_templates(active_only=True)  # type: ignore[attr-defined]  # a ModelChoiceField

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        out = {"signed_by_name": data["signed_by_name"], "subject": data["subject"], "due_on": data["due_on"]}
        if "signed_on" in self.fields:
            out["signed_on"] = data["signed_on"]
        return out


class OrganizationSignForm(SignForm):
    """签署信用承诺 — an organization's own account signs today, confirming the text."""

    confirm = forms.BooleanField(
        label=_(
            "This organization promises that the above is true and accepts the consequences of breaking it."
        ),
        required=True,
        error_messages={"required": _("Tick the box to sign the commitment.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["signed_on"]  # an organization signs on the day it submits
        field = self.fields["template"]
        field.empty_label = None  # a radio list needs no "nothing chosen" entry
        field.widget = forms.RadioSelect(choices=field.choices)


class DecideForm(ServiceErrorsMixin, forms.Form):
    """认定履行 / 认定违背 — the day and the reason; ``which`` keeps the two forms' ids apart."""

    on = _date(_("On"))
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, data: Any = None, *, which: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{which}_%s")
        super().__init__(data, **kwargs)
        self.which = which
