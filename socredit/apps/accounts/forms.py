"""Forms of the account administration (账号管理) and of the change of one's own password.

The choices of region and department are those of the administrator's region and below, so a form
cannot even name a region outside it; the services check the same bounds again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from socredit.apps.accounts.access import administered_departments, administered_regions
from socredit.apps.accounts.models import StaffRole, TokenScope, User
from socredit.apps.accounts.services import FULL_NAME_MAX, REVOKE_REASON_MAX, TOKEN_NAME_MAX
from socredit.common.errors import FieldErrors


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.code}）"


class FieldErrorsMixin:
    def add_field_errors(self, exc: FieldErrors) -> None:
        for field, messages in exc.errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class AccountFilterForm(forms.Form):
    KIND_CHOICES = [
        ("", _("All accounts")),
        ("staff", _("Staff accounts")),
        ("organization", _("Organization accounts")),
    ]
    ACTIVE_CHOICES = [("", _("Active and disabled")), ("yes", _("Active")), ("no", _("Disabled"))]

    q = forms.CharField(label=_("Account or name"), required=False, max_length=50)
    kind = forms.ChoiceField(label=_("Account kind"), choices=KIND_CHOICES, required=False)
    region = RegionChoiceField(label=_("Region"), queryset=None, required=False, empty_label=_("All regions"))
    staff_role = forms.ChoiceField(
        label=_("Staff post"), choices=[("", _("All posts")), *StaffRole.choices], required=False
    )
    active = forms.ChoiceField(label=_("State"), choices=ACTIVE_CHOICES, required=False)

    def __init__(self, *args: Any, admin: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = administered_regions(admin)


class PostFields(forms.Form):
    region = RegionChoiceField(label=_("Region"), queryset=None, empty_label=None)
    staff_role = forms.ChoiceField(
        label=_("Staff post"), choices=StaffRole.choices,
        help_text=_("Viewers read; officers also enter and decide; administrators also manage the region's accounts and tokens."),
    )  # fmt: skip

    def __init__(self, *args: Any, admin: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = administered_regions(admin)


class StaffCreateForm(FieldErrorsMixin, PostFields):
    username = forms.CharField(
        label=_("User name"), max_length=150,
        help_text=_("What the person types to sign in: letters, digits and @ . + - _."),
    )  # fmt: skip
    full_name = forms.CharField(label=_("Full name"), max_length=FULL_NAME_MAX)
    password = forms.CharField(
        label=_("Initial password"), required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to have one generated and shown once. Either way the person sets their own at the first sign-in."),
    )  # fmt: skip

    field_order = ["username", "full_name", "region", "staff_role", "password"]

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                gettext("The account “%(username)s” already exists") % {"username": username}
            )  # the service's words, said early
        return username


class StaffPostForm(FieldErrorsMixin, PostFields):
    pass


class TokenIssueForm(FieldErrorsMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=None)
    name = forms.CharField(
        label=_("Name"), max_length=TOKEN_NAME_MAX,
        help_text=_("The system that will use the token, e.g. “税务局信用核查系统”."),
    )  # fmt: skip
    scopes = forms.MultipleChoiceField(
        label=_("What the token may do"), choices=TokenScope.choices, widget=forms.CheckboxSelectMultiple,
        help_text=_("Give only what the department's system needs."),
    )  # fmt: skip

    def __init__(self, *args: Any, admin: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = administered_departments(admin).filter(active=True)


class TokenRevokeForm(FieldErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REVOKE_REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the token and in the audit log, e.g. “系统停用” or “令牌可能泄露”."),
    )  # fmt: skip


class OwnPasswordForm(PasswordChangeForm):
    """Django's change of one's own password (old password, new one twice, the validators)."""
