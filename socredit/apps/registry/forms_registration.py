"""Forms of the registration pages (成立、变更、注销、撤销, branches). They only give the fields their
widgets and labels: every rule is the services' (``services/registration.py``), whose FieldErrors
land on the fields they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from socredit.apps.registry.models import BranchKind, Region
from socredit.common.choices import enum_choices
from socredit.common.errors import FieldErrors
from socredit.core.types import OrgField, OrgType

DATE = {"type": "date"}


class ServiceForm(forms.Form):
    """A form whose values go to a service as they are; the service's FieldErrors come back here."""

    def add_service_errors(self, exc: FieldErrors) -> None:
        for field, messages in exc.errors.items():
            target = field if field in self.fields else None
            for message in messages:
                self.add_error(target, message)

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v is not None}


def _text(
    label: Any, *, required: bool = False, max_length: int | None = None, **attrs: Any
) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length, strip=True,
                           widget=forms.TextInput(attrs=attrs))  # fmt: skip


def _date(label: Any, *, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, required=required, widget=forms.DateInput(attrs=DATE))


def _area(label: Any, *, required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 3}))


def _document_fields(form: forms.Form, *, number_required: bool = True) -> None:
    form.fields["document_number"] = _text(_("Document number"), required=number_required, max_length=100)
    form.fields["document_date"] = _date(_("Document date"), required=number_required)
    form.fields["document"] = forms.FileField(
        label=_("Document file"), required=False,
        help_text=_("Optional: the scanned or signed document (PDF, OFD, JPG or PNG)."),
    )  # fmt: skip


def _screened_id_number(label: Any, screen_url: str, *, required: bool = True) -> forms.CharField:
    """An ID number screened as soon as it is typed (the fragment lands in ``#screening``)."""
    return _text(label, required=required, max_length=18, autocomplete="off",
                 **{"hx-get": screen_url, "hx-trigger": "change", "hx-target": "#screening",
                    "hx-include": "this", "hx-swap": "innerHTML"})  # fmt: skip


def _screening_confirmation(form: forms.Form) -> None:
    form.fields["screening_confirmed"] = forms.BooleanField(
        label=_("I have read the screening result and register this person anyway."), required=False
    )


def _legal_rep_fields(form: forms.Form, screen_url: str) -> None:
    form.fields["legal_rep_name"] = _text(_("Legal representative: name"), required=True, max_length=50)
    form.fields["legal_rep_id_number"] = _screened_id_number(_("Legal representative: ID number"), screen_url)
    _screening_confirmation(form)


class RegisterForm(ServiceForm):
    """成立登记."""

    def __init__(self, *args: Any, regions: list[Region], screen_url: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        f = self.fields
        f["name"] = _text(_("Name"), required=True, max_length=200)
        f["org_type"] = forms.ChoiceField(label=_("Type"), choices=[("", "—"), *enum_choices(OrgType)])
        f["code"] = _text(_("Unified social credit code"), required=True, max_length=18,
                          autocomplete="off", spellcheck="false")  # fmt: skip
        f["region"] = forms.ChoiceField(label=_("Region"), choices=[(r.code, r.name) for r in regions])
        f["registration_authority"] = _text(
            _("Registration authority"),
            max_length=100,
            placeholder=_("the civil affairs bureau of the region"),
        )
        f["registered_on"] = _date(_("Founding date"))
        _legal_rep_fields(self, screen_url)
        f["address"] = _text(_("Address"), max_length=200)
        f["street"] = _text(_("Township or street code"), max_length=12, list="street-options",
                            inputmode="numeric", autocomplete="off")  # fmt: skip
        f["street"].help_text = _(
            "Optional: the township or street of the address, within the region (9 digits)."
        )
        f["business_scope"] = _area(_("Business scope"))
        f["supervisory_unit"] = _text(_("Business supervisory unit"), max_length=100)
        f["field"] = forms.ChoiceField(
            label=_("Field"), choices=enum_choices(OrgField), initial=OrgField.OTHER.value
        )
        _document_fields(self, number_required=False)
        f["document_number"].label = _("Approval document number")
        f["document"].label = _("Founding documents")
        f["document"].help_text = _(
            "The approval's document number or the founding documents (PDF, OFD, JPG or PNG)."
        )


class ChangeForm(ServiceForm):
    """变更登记 of one item: its new value (or new legal representative), the date, the document."""

    def __init__(self, *args: Any, item: str, current: str, screen_url: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if item == "legal_rep":
            _legal_rep_fields(self, screen_url)
        elif item in ("business_scope",):
            self.fields["value"] = _area(_("New value"), required=False)
        else:
            self.fields["value"] = _text(_("New value"), required=item == "name")
        if "value" in self.fields:
            self.fields["value"].initial = current
        self.fields["effective_on"] = _date(_("Effective on"))
        _document_fields(self)


class EndRegistrationForm(ServiceForm):
    """注销登记 / 撤销登记."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["effective_on"] = _date(_("Effective on"))
        self.fields["reason"] = _area(_("Reason"), required=True)
        _document_fields(self)
        self.fields["warnings_confirmed"] = forms.BooleanField(
            label=_("I have read the warnings and go ahead."), required=False
        )


class BranchForm(ServiceForm):
    """A branch or representative office: established (with its kind) or changed."""

    def __init__(self, *args: Any, adding: bool, screen_url: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        f = self.fields
        if adding:
            f["kind"] = forms.ChoiceField(label=_("Kind"), choices=BranchKind.choices)
        f["name"] = _text(_("Name"), required=True, max_length=200)
        f["head"] = _text(_("Person in charge"), required=True, max_length=50)
        f["head_id_number"] = _screened_id_number(
            _("Person in charge: ID number"), screen_url, required=adding
        )
        if not adding:
            f["head_id_number"].help_text = _("Needed when the person in charge changes.")
        _screening_confirmation(self)
        f["address"] = _text(_("Address"), max_length=200)
        f["business_scope"] = _area(_("Business scope"))
        if adding:
            f["established_on"] = _date(_("Established on"))
        else:
            f["effective_on"] = _date(_("Effective on"))
        _document_fields(self)


class BranchCloseForm(ServiceForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["closed_on"] = _date(_("Closed on"))
        self.fields["reason"] = _area(_("Reason"), required=True)
        _document_fields(self)


class StreetForm(ServiceForm):
    """A township or street the published list lacks, under a county."""

    def __init__(self, *args: Any, counties: list[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"] = forms.ChoiceField(
            label=_("County"), choices=[(r.code, f"{r.name}（{r.code}）") for r in counties]
        )
        self.fields["code"] = _text(
            _("Code"), required=True, max_length=12, inputmode="numeric", autocomplete="off"
        )
        self.fields["code"].help_text = _(
            "9 digits, or the 12 of the statistical division code ending in 000; it begins with the county's code."
        )
        self.fields["name"] = _text(_("Name"), required=True, max_length=64)
