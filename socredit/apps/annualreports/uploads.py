"""The attachment upload of a report page, shared by the organization's page and the staff page of a
paper report: parse the form, store through the service, or give the form back with its errors."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from socredit.apps.annualreports import services
from socredit.apps.annualreports.forms import AttachmentForm
from socredit.apps.annualreports.models import AnnualReport
from socredit.common.errors import FieldErrors


def attach_from_request(request: HttpRequest, report: AnnualReport) -> AttachmentForm | None:
    """None once the posted files are attached (with a success message), else the form and its errors."""
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachments(request.user, "form", report, form.cleaned_data["kind"],
                                     request.FILES.getlist("files"))  # fmt: skip
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The file was attached."))
            return None
    return form
