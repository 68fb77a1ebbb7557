"""Staff pages of the working-day calendar (工作日历): the years and where their schedule came from,
one year's holidays and 调休 days on a month grid, and the form an administrator enters a year with.

Every signed-in staff account reads (reference data, not scoped by region); only administrators
enter a schedule (403 for others). A bad line re-renders the form with the reason (400).
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from socredit.apps.workdays import services
from socredit.apps.workdays.access import can_edit_calendar
from socredit.apps.workdays.forms import YearEnterForm
from socredit.apps.workdays.validation import schedule_text
from socredit.common.errors import FieldErrors
from socredit.core.calendar import FIRST_YEAR

WEEKDAY_HEADS = [dt.date(2024, 1, i) for i in range(1, 8)]
"""A Monday-to-Sunday week: the template prints each as the short weekday name of the language."""


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= services.today().year + 2:
        raise Http404


@login_required
def year_list(request: HttpRequest) -> HttpResponse:
    day = services.today()
    rows = services.year_status()
    have = {r.year for r in rows}
    rows += [services.YearStatus(y, "missing") for y in (day.year, day.year + 1) if y not in have]
    rows.sort(key=lambda r: r.year, reverse=True)
    return render(request, "workdays/year_list.html", {
        "rows": rows, "missing": [r.year for r in rows if not r.known and r.year in (day.year, day.year + 1)][::-1],
        "can_edit": can_edit_calendar(request.user), "today": day,
    })  # fmt: skip


def _months(year: int, schedule: dict[dt.date, tuple[bool, str]]) -> list[dict[str, Any]]:
    """Twelve month grids: weeks of seven cells (None outside the month) with the day's status."""
    grid = pycalendar.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in grid.monthdatescalendar(year, month):
            cells: list[dict[str, Any] | None] = []
            for d in week:
                if d.month != month:
                    cells.append(None)
                    continue
                working, name = schedule.get(d, (d.weekday() < 5, ""))
                kind = ("work" if working else "off") if d in schedule else ("day" if working else "weekend")
                cells.append({"day": d, "kind": kind, "name": name})
            weeks.append(cells)
        months.append({"month": month, "weeks": weeks})
    return months


@login_required
def year_detail(request: HttpRequest, year: int) -> HttpResponse:
    status = services.year_status([year])[0]
    if not status.known:
        _check_year(year)
    schedule = services.year_schedule(year)
    rows = [{"day": d, "working": w, "name": n} for d, (w, n) in schedule.items()]
    return render(request, "workdays/year_detail.html", {
        "year": year, "status": status, "rows": rows, "months": _months(year, schedule) if status.known else [],
        "weekday_heads": WEEKDAY_HEADS, "can_edit": can_edit_calendar(request.user),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def year_enter(request: HttpRequest, year: int) -> HttpResponse:
    if not can_edit_calendar(request.user):
        raise PermissionDenied
    _check_year(year)
    if request.method == "POST":
        form = YearEnterForm(request.POST, year=year)
        if form.is_valid():
            assert form.parsed is not None
            try:
                services.enter_year(request.user, "form", year, notice=form.cleaned_data["notice"],
                                    holidays=form.parsed.holidays, working_weekends=form.parsed.working_weekends)  # fmt: skip
            except FieldErrors as exc:
                form.add_field_errors(exc)
            else:
                messages.success(request, _("The %(year)s schedule was saved.") % {"year": year})
                return redirect("workdays:year_detail", year=year)
        status = 400
    else:
        holidays, working = schedule_text(services.year_schedule(year))
        current = services.year_status([year])[0]
        notice = current.notice if current.state == "manual" else ""
        form = YearEnterForm(
            initial={"notice": notice, "holidays": holidays, "working_days": working}, year=year
        )
        status = 200
    return render(request, "workdays/year_enter.html", {"year": year, "form": form}, status=status)
