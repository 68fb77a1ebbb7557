"""审核提示 — the findings of the automatic review checks (``core.annualreports.checks``, stored per
report at submission: ``annualreports.risk``), as the staff queue's "review checks" column and a
report's page show them."""

from __future__ import annotations

from collections.abc import Sequence

from socredit.apps.annualreports.models import AnnualReport
from socredit.apps.annualreports.risk import flag_labels_for


def risk_flags(reports: Sequence[AnnualReport]) -> dict[int, list[str]]:
    """Report id → the short labels (in the reader's language) of the findings, worst first."""
    return flag_labels_for(list(reports))
