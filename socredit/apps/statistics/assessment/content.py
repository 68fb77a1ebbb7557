"""The assessment report's sections, built once per report in the active language.

Section 1 (the figures) reads the stored figures (``Figure``) of the period's data date and of the
previous period's; sections 2–4 (the lists' movements, the cases concluded, the departments'
feedback on checks) count the period exactly from the domain tables with a few ``GROUP BY``
queries narrowed to the region — the figures keep those only by month or for a rolling window.
Every label is a display name: no stored code reaches the report.

A section is ``{"key", "title", "headers", "rows", "note"}``; rows hold numbers as numbers
(``None`` where there is nothing to compare with).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from socredit.apps.cases.models import Case, CaseKind, CaseStatus
from socredit.apps.lists.models import RED_GROUND, ListEntry
from socredit.apps.measures.models import CheckFeedback, CreditCheck, FeedbackOutcome
from socredit.apps.registry.models import Department, Region
from socredit.apps.statistics.assessment.periods import Period
from socredit.apps.statistics.panels import (
    LEVELS,
    TARGET_METRICS,
    TARGET_TITLES,
    Figures,
    _ground_label,
    _level_label,
    _list_label,
    percent,
)
from socredit.common.access import is_street_scope, restrict
from socredit.common.choices import label_for
from socredit.core.types import OrgType

Indicator = tuple[str, str, Callable[[Figures], float | int | None]]
"""(label, ``count`` or ``rate``, the value read from one day's figures)."""


class RegionPrincipal:
    """A principal whose scope is one region: narrows the domain tables exactly as the lists and
    records pages narrow them for that region's staff (``common.access.restrict``)."""

    is_authenticated = True

    def __init__(self, path: str) -> None:
        self.path = path

    def scope_path(self) -> str:
        return self.path


def _sum(fig: Figures, metric: str, keys: tuple[str, ...] | None = None) -> int:
    values = fig.get(metric, {})
    return sum(v for k, v in values.items() if keys is None or k in keys)


def _rate(metric: str, num: str, den: str) -> Callable[[Figures], float | None]:
    return lambda fig: percent(fig.get(metric, {}).get(num, 0), fig.get(metric, {}).get(den, 0))


def _item(group: str, item: str) -> str:
    return _("%(group)s: %(item)s") % {"group": group, "item": item}


def indicators() -> list[Indicator]:
    """The dashboard's figures compared in the report, in the dashboard's order."""
    out: list[Indicator] = [
        (_("Existing organizations"), "count", lambda f: _sum(f, "org_status", ("normal", "suspended"))),
    ]
    for t in OrgType:
        out.append((_item(_("Organizations by type"), label_for(OrgType, t.value)), "count",
                    lambda f, t=t.value: f.get("org_type", {}).get(t, 0)))  # fmt: skip
    for level in [*LEVELS, "none"]:
        out.append((_item(pgettext("statistics", "Credit level"), _level_label(level)), "count",
                    lambda f, lv=level: f.get("credit_level", {}).get(lv, 0)))  # fmt: skip
    for lst in ("abnormal", "serious", "red"):
        out.append((_item(_("Organizations on the lists"), _list_label(lst)), "count",
                    lambda f, lst=lst: f.get("list_in_force", {}).get(lst, 0)))  # fmt: skip
    out += [
        (_("Records in force"), "count", lambda f: _sum(f, "records_category")),
        (
            _("Obliged to file the annual report"),
            "count",
            lambda f: f.get("annual_reports", {}).get("due", 0),
        ),
        (_("Annual reports filed"), "count", lambda f: f.get("annual_reports", {}).get("filed", 0)),
        (_("Annual report filing rate (%)"), "rate", _rate("annual_reports", "filed", "due")),
    ]
    for key, metric in TARGET_METRICS.items():
        out.append((_("%(title)s (%%)") % {"title": TARGET_TITLES[key]}, "rate", _rate(metric, "num", "den")))
    out += [
        (_("Open cases"), "count", lambda f: _sum(f, "cases_open")),
        (_("Open cases past their deadline"), "count", lambda f: _sum(f, "cases_overdue")),
    ]
    return out


def figures_section(current: Figures, previous: Figures | None) -> dict[str, Any]:
    rows = []
    for label, kind, value in indicators():
        now = value(current)
        before = value(previous) if previous is not None else None
        change = None
        if now is not None and before is not None:
            change = round(now - before, 1) if kind == "rate" else now - before
        rows.append([label, now, before, change])
    return {
        "key": "figures", "title": _("Figures and change against the previous period"),
        "headers": [_("Indicator"), _("This period"), _("Previous period"),
                    _("Change (number; percentage points for rates)")],
        "rows": rows,
        "note": _("Counts at the data date of each period; rates in percent, their change in percentage points."),
    }  # fmt: skip


def _within(qs: QuerySet[Any], path: str, org_path: str) -> QuerySet[Any]:
    return restrict(qs, RegionPrincipal(path), org_path)


def _movement_ground(lst: str, ground: str) -> str:
    """The ground's display name; a red-list entry's is the red list's criteria; never a code."""
    if lst == "red":
        return _ground_label(RED_GROUND)
    title = _ground_label(ground) if ground else ""
    return title if title and title != ground else pgettext("statistics", "Not stated")


def list_section(path: str, period: Period) -> dict[str, Any]:
    """Entries and exits of the period by list and ground (the exit ground for exits)."""
    base = _within(ListEntry.objects.order_by(), path, "organization__region__path")
    moves: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for lst, ground, n in (
        base.filter(entered_on__gte=period.start, entered_on__lte=period.end)
        .values_list("list", "ground")
        .annotate(n=Count("id"))
    ):
        moves[(lst, ground)][0] += n
    for lst, ground, n in (
        base.filter(left_on__gte=period.start, left_on__lte=period.end)
        .values_list("list", "exit_ground")
        .annotate(n=Count("id"))
    ):
        moves[(lst, ground)][1] += n
    order = {"abnormal": 0, "serious": 1, "red": 2}
    rows: list[list[Any]] = [
        [_list_label(lst), _movement_ground(lst, g), e, x]
        for (lst, g), (e, x) in sorted(moves.items(), key=lambda kv: (order.get(kv[0][0], 9), kv[0][1]))
    ]
    if rows:
        rows.append([pgettext("statistics", "Total"), "", sum(r[2] for r in rows), sum(r[3] for r in rows)])
    return {
        "key": "lists", "title": _("List entries and exits in the period"),
        "headers": [pgettext("statistics", "List"), pgettext("statistics", "Ground"),
                    pgettext("statistics", "Entries"), pgettext("statistics", "Exits")],
        "rows": rows, "note": _("Exits are counted by their exit ground."),
    }  # fmt: skip


CONCLUDED = (CaseStatus.CLOSED.value, CaseStatus.REJECTED.value)


def _cases_within(path: str) -> QuerySet[Case]:
    """The cases handled in the region: by the handling region (a street: its organizations' cases)."""
    base = Case.objects.order_by()
    if path and is_street_scope(path):
        return base.filter(organization__street__path__startswith=path)
    return base.filter(region__path__startswith=path) if path else base


def case_section(path: str, period: Period) -> dict[str, Any]:
    """Cases concluded in the period per handling authority and kind, within and outside their
    deadline, and those open at the period's end past their deadline."""
    base = _cases_within(path)
    concluded = base.filter(status__in=CONCLUDED, closed_on__gte=period.start, closed_on__lte=period.end)
    counts: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for region_id, kind, n, within, late in concluded.values_list("region_id", "kind").annotate(
        n=Count("id"),
        within=Count("id", filter=Q(due_on__isnull=False, closed_on__lte=F("due_on"))),
        late=Count("id", filter=Q(due_on__isnull=False, closed_on__gt=F("due_on"))),
    ):
        row = counts[(region_id, kind)]
        row[0] += n
        row[1] += within
        row[2] += late
        row[3] += n - within - late
    open_at_end = base.filter(received_on__lte=period.end).filter(
        Q(status=CaseStatus.OPEN, closed_on__isnull=True) | Q(closed_on__gt=period.end)
    )
    for region_id, kind, n in (
        open_at_end.filter(due_on__lt=period.end).values_list("region_id", "kind").annotate(n=Count("id"))
    ):
        counts[(region_id, kind)][4] += n
    names = dict(Region.objects.filter(pk__in={r for r, _k in counts}).values_list("pk", "name"))
    kinds = [k.value for k in CaseKind]
    rows: list[list[Any]] = [
        [names.get(r, ""), str(CaseKind(k).label), *v]
        for (r, k), v in sorted(
            counts.items(), key=lambda kv: (names.get(kv[0][0], ""), kinds.index(kv[0][1]))
        )
    ]
    if rows:
        rows.append([pgettext("statistics", "Total"), "", *[sum(r[i] for r in rows) for i in range(2, 7)]])
    return {
        "key": "cases", "title": _("Cases concluded in the period, by handling authority"),
        "headers": [_("Handling authority"), pgettext("statistics", "Kind"), _("Concluded"),
                    _("Within the deadline"), _("After the deadline"), _("Without a deadline"),
                    _("Open at the period's end, past the deadline")],
        "rows": rows,
        "note": _("The handling authority is the registration authority of the region that handles the case. "
                  "A case is concluded when it is closed or not accepted; it is within its deadline when it "
                  "closed on or before its overall deadline."),
    }  # fmt: skip


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def feedback_section(path: str, period: Period) -> dict[str, Any]:
    """Credit checks made in the period by the region's departments, per department, and the
    departments' feedback on the measures applied (carried out, not, exempted)."""
    start, end = _aware(period.start), _aware(period.end + dt.timedelta(days=1))
    checks = CreditCheck.objects.order_by().filter(made_at__gte=start, made_at__lt=end)
    if path:
        checks = checks.filter(region_path__startswith=path)
    counts: dict[int | None, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for dept, n, subjects in checks.values_list("department_id").annotate(
        n=Count("id"), s=Sum("subjects_count")
    ):
        counts[dept][0] += n
        counts[dept][1] += subjects or 0
    outcomes = [o.value for o in FeedbackOutcome]
    for dept, outcome, n in (
        CheckFeedback.objects.order_by().filter(check_row__in=checks)
        .values_list("check_row__department_id", "outcome").annotate(n=Count("id"))
    ):  # fmt: skip
        counts[dept][2 + outcomes.index(outcome)] += n
    names = dict(Department.objects.filter(pk__in=[d for d in counts if d]).values_list("pk", "name"))
    staff = _("Registration authority staff")
    rows: list[list[Any]] = [
        [names.get(d, staff) if d else staff, *v]
        for d, v in sorted(counts.items(), key=lambda kv: names.get(kv[0] or 0, ""))
    ]
    if rows:
        rows.append([pgettext("statistics", "Total"), *[sum(r[i] for r in rows) for i in range(1, 6)]])
    return {
        "key": "feedback", "title": _("Credit checks and the departments' feedback in the period"),
        "headers": [pgettext("statistics", "Department"), pgettext("statistics", "Checks"), _("Subjects checked"),
                    *[str(FeedbackOutcome(o).label) for o in outcomes]],
        "rows": rows,
        "note": _("Feedback is counted with the check it answers."),
    }  # fmt: skip
