"""The filters of the sensitive-reads page (敏感信息查阅记录)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from socredit.apps.audit.models import AuditEvent
from socredit.apps.audit.services import SENSITIVE_READS


class ReadFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of read"), required=False)
    actor = forms.CharField(label=_("Read by"), required=False, max_length=150)
    date_from = forms.DateField(
        label=_("Read from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Read until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All"))] + list(SENSITIVE_READS.items())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def apply(self, reads: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        """``reads`` narrowed by the valid filters (invalid ones are shown with their error, not applied)."""
        if not self.is_valid():
            return reads
        data = self.cleaned_data
        if data["kind"]:
            reads = reads.filter(action=data["kind"])
        if data["actor"].strip():
            reads = reads.filter(actor_label__icontains=data["actor"].strip())
        if data["date_from"]:
            reads = reads.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            reads = reads.filter(at__date__lte=data["date_to"])
        return reads
