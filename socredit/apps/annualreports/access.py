"""The only ways views and the API read annual work reports: staff (and department tokens) by the
organization's region — the registering authority's staff and those above it (``restrict``); an
organization's own account only its own organization's reports. Outside the scope and missing both
give 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from socredit.apps.annualreports.models import AnnualReport, ReportAttachment
from socredit.common.access import get_or_404, own_organization_id, restrict


def _base() -> QuerySet[AnnualReport]:
    return AnnualReport.objects.select_related("organization__region")


def access_reports(principal: Any) -> QuerySet[AnnualReport]:
    """Reports of organizations within the principal's region (none for an organization account,
    which has no region scope: it reads through ``own_reports``)."""
    return restrict(_base(), principal, "organization__region__path")


def access_report(principal: Any, pk: Any) -> AnnualReport:
    return get_or_404(access_reports(principal), pk=pk)


def access_attachment(principal: Any, report_pk: Any, pk: Any) -> ReportAttachment:
    report = access_report(principal, report_pk)
    return get_or_404(report.attachments.all(), pk=pk)


def own_reports(user: Any) -> QuerySet[AnnualReport]:
    """An organization account's own organization's reports; nothing for anyone else."""
    org_id = own_organization_id(user)
    if org_id is None:
        return AnnualReport.objects.none()
    return _base().filter(organization_id=org_id)


def own_report(user: Any, year: Any) -> AnnualReport:
    return get_or_404(own_reports(user), year=year)


def own_attachment(user: Any, year: Any, pk: Any) -> ReportAttachment:
    return get_or_404(own_report(user, year).attachments.all(), pk=pk)
