"""乡镇、街道 the published list lacks: an administrator adds one under a county of their region
(``services.streets.add_street``, the service ``socredit regions add-street`` uses), and sees the
streets of a county."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from socredit.apps.registry.access import access_regions
from socredit.apps.registry.forms_registration import StreetForm
from socredit.apps.registry.models import Region
from socredit.apps.registry.services.streets import add_street
from socredit.common.access import is_administrator
from socredit.common.errors import FieldErrors
from socredit.core.types import RegionLevel


@login_required
@require_http_methods(["GET", "POST"])
def street_list(request: HttpRequest) -> HttpResponse:
    if not is_administrator(request.user):
        raise PermissionDenied
    counties = [r for r in access_regions(request.user) if r.level == RegionLevel.DISTRICT.value]
    by_code = {r.code: r for r in counties}
    chosen = by_code.get(request.POST.get("county") or request.GET.get("county") or "")
    if chosen is None and len(counties) == 1:
        chosen = counties[0]
    form = StreetForm(
        request.POST or None, counties=counties, initial={"county": chosen.code if chosen else ""}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                street = add_street(actor=request.user, channel="form", code=d["code"], name=d["name"],
                                    county=d["county"])  # fmt: skip
            except FieldErrors as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request, _("%(name)s (%(code)s) is added.") % {"name": street.name, "code": street.code}
                )
                return redirect(f"{request.path}?county={d['county']}")
    streets = (
        list(Region.objects.filter(parent=chosen, level=RegionLevel.STREET.value).order_by("code"))
        if chosen
        else []
    )
    return render(request, "registry/streets.html",
                  {"form": form, "county": chosen, "streets": streets, "counties": counties}, status=status)  # fmt: skip
