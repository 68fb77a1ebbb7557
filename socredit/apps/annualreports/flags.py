"""审核提示 — the flags the automatic review checks raise on reports, shown in the staff queue (the
"review checks" column) and on a report's page.

The one place the review pages ask: the automatic checks (core ``annualreports.checks``, helper
ar-checks) answer here. Until they land, no report is flagged.
"""

from __future__ import annotations

from collections.abc import Sequence

from socredit.apps.annualreports.models import AnnualReport


def risk_flags(reports: Sequence[AnnualReport]) -> dict[int, list[str]]:
    """Report id → the short labels (in the reader's language) of the checks that flag it."""
    return {}
