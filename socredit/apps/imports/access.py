"""The only ways views read import runs: one's own, or those of accounts within one's region."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from socredit.apps.imports.models import ImportRun
from socredit.common.access import get_or_404, scope_path_of


def access_import_runs(principal: Any) -> QuerySet[ImportRun]:
    """Runs the principal may see: superusers all; others their own and their region's accounts'."""
    path = scope_path_of(principal)
    qs = ImportRun.objects.select_related("actor")
    if path is None:
        return qs.none()
    if path == "":
        return qs
    return qs.filter(Q(actor=principal) | Q(actor__region__path__startswith=path))


def access_import_run(principal: Any, pk: Any) -> ImportRun:
    return get_or_404(access_import_runs(principal), pk=pk)
