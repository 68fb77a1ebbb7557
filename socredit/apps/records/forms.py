"""Forms of the credit-record pages. They only parse and present: every rule about the values
(dates, amounts, duplicates, persons) lives in records.validation and is applied by the services,
whose FieldErrors are put back onto these fields with `add_service_errors`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socredit.apps.records.access import record_kinds
from socredit.apps.records.models import CreditRecord
from socredit.apps.registry.access import access_roles
from socredit.apps.registry.models import CONFIRMED_ROLE, Department, Organization, Person
from socredit.common.choices import enum_choices, label_of
from socredit.common.errors import FieldErrors
from socredit.core.types import DishonestyClass, RecordCategory, Visibility

KIND_DEFAULT = _("Default of the kind")


class ServiceErrorsMixin:
    """Maps a service's FieldErrors onto the form; fields the form lacks go to the form as a whole."""

    def add_service_errors(self, exc: FieldErrors) -> None:
        for field, messages in exc.errors.items():
            target = field if field in self.fields else None  # type: ignore[attr-defined]  # a forms.Form mixin
            for message in messages:
                self.add_error(target, message)  # type: ignore[attr-defined]  # a forms.Form mixin


def kind_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Active record kinds, grouped by category in RecordCategory order, labelled in the active language."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for kind in record_kinds().order_by("code"):
        groups.setdefault(kind.category, []).append((kind.code, kind.name))
    return [(label_of(cat), groups[cat.value]) for cat in RecordCategory if cat.value in groups]


def department_choices(extra: Department | None = None) -> list[tuple[str, str]]:
    depts = list(Department.objects.filter(active=True).order_by("region__code", "name"))
    if extra is not None and extra not in depts:
        depts.append(extra)
    return [(d.code, d.name) for d in depts]


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RecordForm(ServiceErrorsMixin, forms.Form):
    """录入信用记录 — the add-record form of one organization."""

    kind = forms.ChoiceField(label=pgettext_lazy("record", "Kind"))
    occurred_on = forms.CharField(label=_("Occurred on"), widget=date_input())
    decided_on = forms.CharField(label=_("Decided on"), required=False, widget=date_input())
    document_number = forms.CharField(label=_("Document number"), required=False, max_length=100)
    amount = forms.CharField(
        label=_("Amount (yuan)"), required=False, max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "0.00"}),
    )  # fmt: skip
    department = forms.ChoiceField(label=_("Issuing department"))
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    visibility = forms.ChoiceField(label=_("Visibility"), required=False)
    dishonesty_class = forms.ChoiceField(
        label=_("Dishonesty class"), required=False,
        help_text=_("Leave empty to use the default of the kind (negative kinds only)."),
    )  # fmt: skip
    persons = forms.MultipleChoiceField(
        label=_("Persons implicated"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self, *args: Any, organization: Organization, principal: Any,
        record: CreditRecord | None = None, **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["kind"].choices = [("", "—")] + kind_choices()
        self.fields["department"].choices = [("", "—")] + department_choices(
            record.department if record else None
        )
        self.fields["visibility"].choices = [("", KIND_DEFAULT)] + enum_choices(Visibility)
        self.fields["dishonesty_class"].choices = [("", KIND_DEFAULT)] + enum_choices(DishonestyClass)
        self._persons = self._candidate_persons(principal, record)
        self.fields["persons"].choices = [
            (
                str(p.pk),
                f"{p.name}（{p.masked_id}）",
            )  # masked: a whole number is shown one at a time, audited
            for p in self._persons.values()
        ]

    def _candidate_persons(self, principal: Any, record: CreditRecord | None) -> dict[str, Person]:
        """Persons who hold or held a post in the organization (and those already on the record)."""
        persons: dict[str, Person] = {}
        roles = (
            access_roles(principal)
            .filter(CONFIRMED_ROLE, organization=self.organization)  # a held post names nobody yet
            .order_by("person__name", "pk")
        )
        for role in roles:
            persons.setdefault(str(role.person_id), role.person)
        if record is not None:
            for p in record.persons.all():
                persons.setdefault(str(p.pk), p)
        return persons

    def service_data(self) -> dict[str, Any]:
        """The cleaned input as the record services take it (codes, text, ID numbers)."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "persons"}
        data["organization"] = self.organization.code
        data["persons"] = [self._persons[pk].id_number for pk in self.cleaned_data.get("persons", [])]
        return data


class CorrectForm(RecordForm):
    """更正 — the record's values, pre-filled, and the reason for the correction."""

    reason = forms.CharField(label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 2}))

    @staticmethod
    def initial_of(record: CreditRecord) -> dict[str, Any]:
        return {
            "kind": record.kind.code,
            "occurred_on": record.occurred_on.isoformat(),
            "decided_on": record.decided_on.isoformat() if record.decided_on else "",
            "document_number": record.document_number,
            "amount": "" if record.amount is None else str(record.amount),
            "department": record.department.code,
            "summary": record.summary,
            "visibility": str(record.visibility),
            "dishonesty_class": record.dishonesty_class,
            "persons": [str(p.pk) for p in record.persons.all()],
        }

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data.pop("reason", None)
        data.pop("organization", None)
        return data


class RevokeForm(ServiceErrorsMixin, forms.Form):
    """撤销 — only a reason."""

    reason = forms.CharField(label=_("Reason for the revocation"), widget=forms.Textarea(attrs={"rows": 3}))
