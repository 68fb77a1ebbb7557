"""The upload form of the import page."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from socredit.apps.imports.models import ImportKind


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    dry_run = forms.BooleanField(label=_("Dry run: check only, write nothing"), required=False)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > settings.SOCREDIT_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (limit %(mb)s MB).")
                % {"mb": settings.SOCREDIT_IMPORT_MAX_BYTES // 1048576}
            )
        return f
