"""An organization's own commitment pages (组织账号, /my/commitments/): its commitments, signing one
from an active template, and one commitment as signed.

Only organization accounts use them: a staff account has no organization and gets 403 (the
middleware keeps organization accounts out of everything else). The organization is always the
account's own; nothing here takes an organization from the request.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from socredit.apps.commitments import services
from socredit.apps.commitments.access import commitment_templates, own_commitment, own_commitments
from socredit.apps.commitments.forms import OrganizationSignForm
from socredit.common.access import organization_account_required
from socredit.common.errors import FieldErrors


@organization_account_required
def commitment_list(request: HttpRequest) -> HttpResponse:
    context = {
        "org": request.user.organization,
        "commitments": own_commitments(request.user).order_by("-signed_on", "-id"),
    }
    return render(request, "commitments/my/commitment_list.html", context)


@organization_account_required
@require_http_methods(["GET", "POST"])
def commitment_sign(request: HttpRequest) -> HttpResponse:
    org = request.user.organization
    form = OrganizationSignForm(request.POST or None, initial={"template": request.GET.get("template")})
    if request.method == "POST" and form.is_valid():
        try:
            commitment = services.sign_commitment(request.user, services.ORGANIZATION_CHANNEL, org,
                                                  form.cleaned_data["template"], **form.service_kwargs())  # fmt: skip
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Your commitment was signed and published."))
            return redirect("my_commitments:commitment_detail", pk=commitment.pk)
    context = {"form": form, "org": org, "templates": commitment_templates(active_only=True)}
    return render(request, "commitments/my/commitment_sign.html", context, status=400 if form.errors else 200)


@organization_account_required
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = own_commitment(request.user, pk)
    return render(
        request,
        "commitments/my/commitment_detail.html",
        {"commitment": commitment, "org": commitment.organization},
    )
