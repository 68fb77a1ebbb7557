"""Forms of the dormant-organization pages: the worklist's filters and one form per step."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from socredit.apps.dormancy.models import NoticeMethod
from socredit.apps.records.forms import ServiceErrorsMixin

DATE = forms.DateInput(attrs={"type": "date"})
VIEWS = (
    ("open", _("Open")),
    ("overdue", _("Overdue")),
    ("closed", _("Closed")),
    ("all", _("All")),
)


class FilterForm(forms.Form):
    view = forms.ChoiceField(label=_("Show"), choices=VIEWS, required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    street = forms.ChoiceField(label=_("Street or town"), required=False)
    unreachable = forms.BooleanField(
        label=_("Only those not reachable at the registered address"), required=False
    )
    q = forms.CharField(label=_("Name or code"), required=False, max_length=60)

    def __init__(self, *args: Any, regions: list[Any], streets: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All regions"))] + [(r.code, r.name) for r in regions]
        self.fields["street"].choices = [("", _("All streets and towns"))] + [
            (s.code, s.name) for s in streets
        ]


class NoticeForm(ServiceErrorsMixin, forms.Form):
    served_on = forms.DateField(label=_("Served on"), widget=DATE)
    method = forms.ChoiceField(label=_("Way of notice"), choices=NoticeMethod.choices)
    document_number = forms.CharField(label=_("Document number"), max_length=100)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ProposeForm(ServiceErrorsMixin, forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class GuideForm(ServiceErrorsMixin, forms.Form):
    served_on = forms.DateField(label=_("Served on"), widget=DATE)
    document_number = forms.CharField(label=_("Document number"), max_length=100)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RevokeForm(ServiceErrorsMixin, forms.Form):
    effective_on = forms.DateField(label=_("Effective on"), widget=DATE)
    document_number = forms.CharField(label=_("Number of the revocation decision"), max_length=100)
    document_date = forms.DateField(label=_("Date of the decision"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    warnings_confirmed = forms.BooleanField(label=_("I have read the warnings"), required=False)


class CloseForm(ServiceErrorsMixin, forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ResumeForm(ServiceErrorsMixin, forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(
        label=_("What shows it resumed its activities"), widget=forms.Textarea(attrs={"rows": 2})
    )
