"""The only ways views read import runs: one's own, or those of accounts within one's region."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from socredit.apps.imports.models import ImportRun
from socredit.common.access import get_or_404, restrict


def access_import_runs(principal: Any) -> QuerySet[ImportRun]:
    """Runs the principal may see: national accounts all; others those of accounts of their region
    and below (their own among them: an account's region is at or below itself)."""
    return restrict(ImportRun.objects.select_related("actor"), principal, "actor__region__path")


def access_import_run(principal: Any, pk: Any) -> ImportRun:
    return get_or_404(access_import_runs(principal), pk=pk)
