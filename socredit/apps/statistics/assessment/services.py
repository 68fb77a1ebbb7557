"""The only writer of assessment reports: ``generate_assessment_report``.

Re-generating the same region and period adds a new version (``version`` + 1) and keeps the earlier
ones: a report once handed to the credit office stays as it was, and the list shows every version
with its generation time and data date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from socredit.apps.audit.services import actor_label, record_event
from socredit.apps.registry.models import Region
from socredit.apps.statistics.assessment import content as sections
from socredit.apps.statistics.assessment.periods import Period, check_period
from socredit.apps.statistics.assessment.render import report_pdf, report_xlsx
from socredit.apps.statistics.models import AggregationRun, AssessmentReport
from socredit.apps.statistics.panels import read_figures
from socredit.common.clock import today
from socredit.common.errors import FieldErrors

LANGUAGES = ("zh-hans", "en")


def data_date_for(period: Period) -> dt.date | None:
    """The last day with stored figures within the period (the report's data date), or None."""
    return (
        AggregationRun.objects.filter(day__gte=period.start, day__lte=period.end)
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )


def build_content(region: Region | None, period: Period, day: dt.date, language: str,
                  generated_at: dt.datetime) -> dict[str, Any]:  # fmt: skip
    """The report's content in ``language``: header facts and the four sections."""
    path = region.path if region is not None else ""
    previous = period.previous()
    previous_day = data_date_for(previous)
    with translation.override(language):
        name = region.name if region is not None else pgettext("statistics", "National")
        return {
            "title": _("Assessment report on the credit management of social organizations · %(region)s · %(period)s")
            % {"region": name, "period": period.label},
            "region_name": name,
            "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label},
            "previous": {"start": previous.start.isoformat(), "end": previous.end.isoformat(),
                         "label": previous.label},
            "data_date": day.isoformat(),
            "previous_data_date": previous_day.isoformat() if previous_day else None,
            "generated_at": timezone.localtime(generated_at).strftime("%Y-%m-%d %H:%M:%S"),
            "sections": [
                sections.figures_section(read_figures(day, path),
                                         read_figures(previous_day, path) if previous_day else None),
                sections.list_section(path, period),
                sections.case_section(path, period),
                sections.feedback_section(path, period),
            ],
        }  # fmt: skip


def _file_name(region: Region | None, period: Period, version: int, ext: str) -> str:
    code = region.code if region is not None else "national"
    return f"assessment-{code}-{period.start.isoformat()}-{period.end.isoformat()}-v{version}.{ext}"


def generate_assessment_report(
    actor: Any, region: Region | None, start: dt.date, end: dt.date, language: str = "zh-hans",
    *, channel: str = "form",
) -> AssessmentReport:  # fmt: skip
    """Build, store and audit one report of ``region`` (None: the whole country) for start–end.
    The caller has checked that the region is within the actor's scope. FieldErrors: the period
    ends before it starts or after today, or no figures were aggregated within it; nothing is
    written then."""
    if language not in LANGUAGES:
        raise FieldErrors({"language": [_("Choose Chinese or English.")]})
    period = check_period(start, end, today())
    day = data_date_for(period)
    if day is None:
        raise FieldErrors({"end": [
            _("No figures were computed between %(start)s and %(end)s. Run the daily aggregation "
              "(socredit statistics aggregate --as-of %(end)s) and generate the report again.")
            % {"start": period.start, "end": period.end}
        ]})  # fmt: skip
    now = timezone.now()
    content = build_content(region, period, day, language, now)
    pdf, xlsx = report_pdf(content, language), report_xlsx(content, language)
    path = region.path if region is not None else ""
    report = AssessmentReport(
        region=region, path=path, start=period.start, end=period.end, data_date=day,
        previous_data_date=data_date_for(period.previous()), language=language, content=content,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(), xlsx_sha256=hashlib.sha256(xlsx).hexdigest(),
        generated_at=now, generated_by_label=actor_label(actor),
    )  # fmt: skip
    try:
        with transaction.atomic():
            same = AssessmentReport.objects.select_for_update().filter(
                path=path, start=period.start, end=period.end
            )
            report.version = (same.aggregate(v=Max("version"))["v"] or 0) + 1
            report.pdf.save(_file_name(region, period, report.version, "pdf"), ContentFile(pdf), save=False)
            report.xlsx.save(
                _file_name(region, period, report.version, "xlsx"), ContentFile(xlsx), save=False
            )
            report.save()
            record_event(
                actor=actor, channel=channel, action="statistics.assessment", target_type="statistics.assessment",
                target_id=str(report.pk),
                summary=f"考核报告 {content['region_name']} {period.start.isoformat()}至{period.end.isoformat()} "
                        f"第{report.version}版",
                data={"data_date": day.isoformat(), "pdf_sha256": report.pdf_sha256,
                      "xlsx_sha256": report.xlsx_sha256},
            )  # fmt: skip
    except BaseException:
        # the files of a report that was not kept are removed (the database rolled back)
        for file in (report.pdf, report.xlsx):
            if file.name:
                file.storage.delete(file.name)
        raise
    return report
