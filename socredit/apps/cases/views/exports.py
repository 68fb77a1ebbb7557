"""导出 of the case inbox: exactly the inbox's filters and order (``inbox.inbox_cases``, scoped by
``access_cases``), as CSV or XLSX (socredit.common.exports). A complaint's reporter and an
applicant's contact are never exported: the case page shows them, and records who read them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from socredit.apps.audit.services import record_download
from socredit.apps.cases.labels import outcome_label, stage_label
from socredit.apps.cases.models import CaseKind, CaseStatus
from socredit.apps.cases.services import common
from socredit.apps.cases.views.inbox import inbox_cases
from socredit.common.exports import EXPORT_CHUNK, export_refusal, export_response

COLUMNS = ("number", "kind", "subject_name", "organization__code", "region__name", "received_on", "next_due",
           "due_on", "assigned_to__username", "status", "stage", "outcome", "decided_on")  # fmt: skip


@login_required
def case_export(request: HttpRequest, fmt: str) -> HttpResponse:
    queryset, _filters = inbox_cases(request, common.today())
    back = f"{reverse('cases:case_list')}?{request.GET.urlencode()}"
    if refusal := export_refusal(request, fmt, queryset, back):
        return refusal
    record_download(
        request.user, file="export_cases", target=None, name=_("Cases"), query=request.GET.urlencode()
    )
    kinds = {k: str(label) for k, label in CaseKind.choices}
    statuses = {k: str(label) for k, label in CaseStatus.choices}
    unassigned = _("Not assigned")

    def rows() -> Iterator[list[Any]]:
        for (
            number,
            kind,
            subject,
            code,
            region,
            received_on,
            next_due,
            due_on,
            assignee,
            status,
            stage,
            outcome,
            decided_on,
        ) in queryset.values_list(*COLUMNS).iterator(chunk_size=EXPORT_CHUNK):
            yield [number, kinds.get(kind, kind), subject, code, region, received_on, next_due, due_on,
                   assignee or unassigned, statuses.get(status, status), stage_label(kind, stage) if stage else "",
                   outcome_label(outcome) if outcome else "", decided_on]  # fmt: skip

    headers = [_("Case number"), _("Kind"), _("Organization"), _("Unified social credit code"), _("Region"),
               _("Received on"), _("Next step due on"), _("Overall deadline"), _("Handled by"), _("Status"),
               _("Current step"), _("Outcome"), _("Decided on")]  # fmt: skip
    return export_response(fmt, name="cases", title=_("Cases"), headers=headers, rows=rows())


urls: list[URLPattern] = [path("export.<str:fmt>", case_export, name="case_export")]
