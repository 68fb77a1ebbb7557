"""Staff pages of imports: upload (with templates and history), the run's page, its report.

Only accounts that may write (officers and administrators) use them; a run is read through
access_import_run (404 outside one's own runs and region). An upload is stored and queued for the
background worker (imports.background); the run's page shows its progress, polled by htmx, and
reloads itself to show the result once the run has ended.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRefresh

from socredit.apps.audit.services import record_download
from socredit.apps.imports.access import access_import_run, access_import_runs
from socredit.apps.imports.background import queue_import
from socredit.apps.imports.columns import COLUMNS, departments_of, report_file, template_file
from socredit.apps.imports.forms import ImportForm
from socredit.apps.imports.models import ImportKind, ImportStatus
from socredit.apps.imports.services import end_abandoned_imports
from socredit.apps.records.models import RecordKind
from socredit.common.htmx import is_partial, render_page_or_partial

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ERRORS_SHOWN = 200


def _require_write(user: Any) -> None:
    if not user.can_write:
        raise PermissionDenied


def _download(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def importrun_list(request: HttpRequest) -> HttpResponse:
    _require_write(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = queue_import(actor=request.user, channel="import", kind=form.cleaned_data["kind"],
                           chunks=upload.chunks(), file_name=upload.name,
                           dry_run=form.cleaned_data["dry_run"])  # fmt: skip
        return redirect("imports:importrun_detail", pk=run.pk)
    end_abandoned_imports()  # a run whose process was killed is shown as ended, with the reason
    context = {
        "form": form,
        "runs": access_import_runs(request.user)[:50],
        "kinds": [(k, label, COLUMNS[k]) for k, label in ImportKind.choices],
        "record_kinds": RecordKind.objects.filter(active=True).order_by("category", "code"),
        "departments": departments_of(request.user),
    }
    return render(request, "imports/importrun_list.html", context, status=400 if form.errors else 200)


@login_required
def importrun_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_write(request.user)
    end_abandoned_imports()
    run = access_import_run(request.user, pk)
    if is_partial(request) and run.finished:
        return HttpResponseClientRefresh()  # the poll saw the end: the whole page shows the result
    waited = (timezone.now() - run.started_at).total_seconds()
    context = {
        "run": run,
        "errors": run.errors[:ERRORS_SHOWN],
        "more": max(0, len(run.errors) - ERRORS_SHOWN),
        "no_worker": run.status == ImportStatus.QUEUED
        and waited > settings.SOCREDIT_IMPORT_WORKER_WAIT_SECONDS,
        "waited": int(waited),
    }
    return render_page_or_partial(
        request, "imports/importrun_detail.html", "imports/partials/_progress.html", context
    )


@login_required
def importrun_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    _require_write(request.user)
    if fmt not in FORMATS:
        raise Http404
    run = access_import_run(request.user, pk)
    # Recorded: the rejected rows as submitted (names, ID numbers, unpublished records) leave as a file.
    record_download(
        request.user, file="import_errors", target=run, name=run.file_name or f"导入批次 {run.pk}"
    )
    return _download(report_file(run.kind, run.errors, fmt), fmt, f"import-{run.pk}-errors")


@login_required
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    _require_write(request.user)
    if kind not in ImportKind.values or fmt not in FORMATS:
        raise Http404
    # Not recorded: a blank template with a made-up example row carries no one's data.
    return _download(template_file(kind, fmt, request.user), fmt, f"socredit-{kind}-template")
