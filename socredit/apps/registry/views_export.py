"""导出 of the organization list: exactly the list's current filter (the same FilterSet and the same
``access_organizations`` scope as the page), as CSV or XLSX (socredit.common.exports)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from socredit.apps.audit.services import record_download
from socredit.apps.registry.access import access_organizations
from socredit.apps.registry.forms import organization_filter
from socredit.common.exports import EXPORT_CHUNK, export_refusal, export_response, labels, refused_filter
from socredit.core.scoring.model import LEVEL_NAMES
from socredit.core.types import OrgField, OrgStatus, OrgType

COLUMNS = (
    "name", "code", "org_type", "field", "region__name", "region__code", "status", "registered_on",
    "registration_authority", "supervisory_unit", "address", "credit__level", "credit__score",
)  # fmt: skip


def _headers() -> list[str]:
    return [_("Name"), _("Unified social credit code"), _("Type"), _("Field"), _("Region"), _("Region code"),
            _("Status"), _("Registered on"), _("Registration authority"), _("Business supervisory unit"), _("Address"),
            _("Credit level"), _("Credit score")]  # fmt: skip


def _rows(queryset: Any) -> Iterator[list[Any]]:
    """One line per organization, in words: labels for codes, the level with its name."""
    types, fields, statuses = labels(OrgType), labels(OrgField), labels(OrgStatus)
    for row in queryset.values_list(*COLUMNS).iterator(chunk_size=EXPORT_CHUNK):
        (name, code, org_type, field, region, region_code, status, registered_on, authority, unit, address,
         level, score) = row  # fmt: skip
        yield [name, code, types.get(org_type, org_type), fields.get(field, field), region, region_code,
               statuses.get(status, status), registered_on, authority, unit, address,
               f"{level} {LEVEL_NAMES.get(level, '')}" if level else "", score]  # fmt: skip


@login_required
def organization_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """导出 CSV / 导出 Excel of the organization list under the page's filter (in the page's order)."""
    filterset = organization_filter(request.GET, access_organizations(request.user).order_by("name", "pk"))
    back = f"{reverse('registry:organization_list')}?{request.GET.urlencode()}"
    if not filterset.form.is_valid():
        return refused_filter(request, filterset.form, back)
    queryset = filterset.qs
    if refusal := export_refusal(request, fmt, queryset, back):
        return refusal
    record_download(request.user, file="export_organizations", target=None, name=_("Organizations"),
                    query=request.GET.urlencode())  # fmt: skip
    return export_response(fmt, name="organizations", title=_("Social organizations"), headers=_headers(),
                           rows=_rows(queryset))  # fmt: skip
