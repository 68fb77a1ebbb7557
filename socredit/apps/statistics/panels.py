"""The dashboard's panels read from the stored figures: each a chart's data and the same numbers as a
table (headers and rows), in the reader's language. Nothing here writes or reads a non-aggregated row.

A panel is a dict: ``key``, ``title``, ``kind`` (``pie``, ``bar``, ``hbar``, ``line``, ``stack``,
``gauge``), ``categories`` and ``series`` (``[{"name", "data"}]``) for the chart, ``headers`` and
``rows`` for the table and the downloads, and for a gauge ``value``/``target`` in percent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from socredit.apps.cases.models import CaseKind
from socredit.apps.lists.models import LIST_LABELS, RED_GROUND
from socredit.apps.lists.services.common import ground_title
from socredit.apps.measures.models import FeedbackOutcome
from socredit.apps.registry.models import Department
from socredit.apps.statistics.aggregate import month_keys
from socredit.apps.statistics.models import Figure, Target, TargetKey
from socredit.common.choices import label_for
from socredit.core.types import OrgField, OrgStatus, OrgType, RecordCategory

Figures = dict[str, dict[str, int]]
"""{metric: {dimension: value}} of one day and region."""

LEVELS = ["A", "B", "C", "D"]
DEFAULT_TARGETS = {
    TargetKey.PARTY_CHARTER: Decimal(100),
    TargetKey.CLEAN: Decimal(95),
    TargetKey.EVALUATED: Decimal(100),
    TargetKey.SPOTCHECK: Decimal(100),
}
"""Until an administrator sets them: 党建入章率 100 % and 无不良信用记录 95 % are the targets for 2025
of the local plan in the seed documents (清廉社会组织建设); the other two are design defaults."""

TARGET_METRICS = {
    TargetKey.PARTY_CHARTER: "target_party",
    TargetKey.CLEAN: "target_clean",
    TargetKey.EVALUATED: "target_evaluated",
    TargetKey.SPOTCHECK: "target_spotcheck",
}


def read_figures(day: dt.date, path: str) -> Figures:
    out: Figures = defaultdict(dict)
    for metric, dimension, value in Figure.objects.filter(day=day, path=path).values_list(
        "metric", "dimension", "value"
    ):
        out[metric][dimension] = value
    return out


def read_many(day: dt.date, paths: list[str], metrics: Iterable[str]) -> dict[str, Figures]:
    """{path: figures} for several regions at once (the drill-down table), one query."""
    out: dict[str, Figures] = {p: defaultdict(dict) for p in paths}
    for path, metric, dimension, value in Figure.objects.filter(
        day=day, path__in=paths, metric__in=list(metrics)
    ).values_list("path", "metric", "dimension", "value"):
        out[path][metric][dimension] = value
    return out


def percent(num: int, den: int) -> float | None:
    return round(100.0 * num / den, 1) if den else None


def targets() -> dict[str, Decimal]:
    stored = dict(Target.objects.values_list("key", "percent"))
    return {str(k): stored.get(k, v) for k, v in DEFAULT_TARGETS.items()}


def _level_label(code: str) -> str:
    return pgettext("statistics", "Not evaluated") if code == "none" else code


def _list_label(code: str) -> str:
    return str(LIST_LABELS.get(code, code))


def _ground_label(code: str) -> str:
    return str(_("Meets the red-list criteria")) if code == RED_GROUND else ground_title(code)


def _simple(key: str, title: str, kind: str, values: dict[str, int], label: Callable[[str], str],
            order: list[str] | None = None, header: str = "") -> dict[str, Any]:  # fmt: skip
    codes = [c for c in (order or sorted(values, key=lambda c: -values[c])) if c in values]
    codes += [c for c in sorted(values) if c not in codes]
    labels = [label(c) for c in codes]
    data = [values[c] for c in codes]
    return {
        "key": key, "title": title, "kind": kind, "categories": labels,
        "series": [{"name": title, "data": data}],
        "headers": [header or pgettext("statistics", "Category"), pgettext("statistics", "Number")], "rows": [[lab, v] for lab, v in zip(labels, data, strict=True)],
    }  # fmt: skip


def _months(day: dt.date) -> list[str]:
    return [key for key, _last in month_keys(day)]


def level_trend(fig: Figures, day: dt.date) -> dict[str, Any]:
    months = _months(day)
    values = fig.get("level_month", {})
    series = [{"name": lvl, "data": [values.get(f"{m}/{lvl}", 0) for m in months]} for lvl in LEVELS]
    return {
        "key": "level_trend", "title": _("Credit levels by month"), "kind": "line", "categories": months,
        "series": series, "headers": [pgettext("statistics", "Month"), *LEVELS],
        "rows": [[m, *[s["data"][i] for s in series]] for i, m in enumerate(months)],
    }  # fmt: skip


def list_movements(fig: Figures, day: dt.date) -> dict[str, Any]:
    months = _months(day)
    rows: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    totals: dict[str, list[int]] = {m: [0, 0] for m in months}
    for i, metric in enumerate(("list_entries", "list_exits")):
        for dim, n in fig.get(metric, {}).items():
            month, lst, ground = (dim.split("/", 2) + ["", ""])[:3]
            rows[(month, lst, ground)][i] += n
            if month in totals:
                totals[month][i] += n
    table = [
        [m, _list_label(lst), _ground_label(g) if g else "", entries, exits]
        for (m, lst, g), (entries, exits) in sorted(rows.items())
    ]
    return {
        "key": "list_movements", "title": _("List entries and exits by month"), "kind": "bar",
        "categories": months,
        "series": [{"name": pgettext("statistics", "Entries"), "data": [totals[m][0] for m in months]},
                   {"name": pgettext("statistics", "Exits"), "data": [totals[m][1] for m in months]}],
        "headers": [pgettext("statistics", "Month"), pgettext("statistics", "List"), pgettext("statistics", "Ground"), pgettext("statistics", "Entries"), pgettext("statistics", "Exits")], "rows": table,
    }  # fmt: skip


def cases_panel(fig: Figures) -> dict[str, Any]:
    kinds = [k.value for k in CaseKind]
    open_, overdue = fig.get("cases_open", {}), fig.get("cases_overdue", {})
    labels = [str(CaseKind(k).label) for k in kinds]
    return {
        "key": "cases", "title": _("Open and overdue cases"), "kind": "bar", "categories": labels,
        "series": [{"name": pgettext("statistics", "Open"), "data": [open_.get(k, 0) for k in kinds]},
                   {"name": pgettext("statistics", "Overdue"), "data": [overdue.get(k, 0) for k in kinds]}],
        "headers": [pgettext("statistics", "Kind"), pgettext("statistics", "Open"), pgettext("statistics", "Overdue")],
        "rows": [[lab, open_.get(k, 0), overdue.get(k, 0)] for lab, k in zip(labels, kinds, strict=True)],
    }  # fmt: skip


def checks_panel(fig: Figures, day: dt.date) -> dict[str, Any]:
    months = _months(day)
    checks, subjects = fig.get("checks", {}), fig.get("check_subjects", {})
    return {
        "key": "checks", "title": _("Credit checks by month"), "kind": "line", "categories": months,
        "series": [{"name": pgettext("statistics", "Checks"), "data": [checks.get(m, 0) for m in months]},
                   {"name": _("Subjects checked"), "data": [subjects.get(m, 0) for m in months]}],
        "headers": [pgettext("statistics", "Month"), pgettext("statistics", "Checks"), _("Subjects checked")],
        "rows": [[m, checks.get(m, 0), subjects.get(m, 0)] for m in months],
    }  # fmt: skip


def annual_report_panel(fig: Figures, day: dt.date) -> dict[str, Any]:
    values = fig.get("annual_reports", {})
    due, filed = values.get("due", 0), values.get("filed", 0)
    rate = percent(filed, due)
    return {
        "key": "annual_reports", "title": _("Annual reports on %(year)s filed") % {"year": day.year - 1},
        "kind": "gauge", "value": rate, "target": None, "categories": [], "series": [],
        "headers": [_("Obliged to file"), pgettext("statistics", "Filed"), _("Rate (%)")], "rows": [[due, filed, _shown(rate)]],
    }  # fmt: skip


def _shown(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1f}"


TARGET_TITLES = {
    TargetKey.PARTY_CHARTER: gettext_lazy("Party building written into the charter (of the reports filed)"),
    TargetKey.CLEAN: gettext_lazy("Organizations without a negative credit record"),
    TargetKey.EVALUATED: gettext_lazy("Organizations evaluated"),
    TargetKey.SPOTCHECK: gettext_lazy("Drawn spot checks completed this year"),
}


def target_panels(fig: Figures) -> list[dict[str, Any]]:
    goal = targets()
    out = []
    for key, metric in TARGET_METRICS.items():
        values = fig.get(metric, {})
        num, den = values.get("num", 0), values.get("den", 0)
        rate = percent(num, den)
        out.append({
            "key": f"target_{key}", "title": str(TARGET_TITLES[key]), "kind": "gauge", "value": rate,
            "target": float(goal[str(key)]), "categories": [], "series": [],
            "headers": [pgettext("statistics", "Counted"), _("Meeting the target"), _("Rate (%)"), _("Target (%)")],
            "rows": [[den, num, _shown(rate), f"{goal[str(key)]:.1f}"]],
        })  # fmt: skip
    return out


def department_names(codes: Iterable[str]) -> dict[str, str]:
    return dict(Department.objects.filter(code__in=list(codes)).values_list("code", "name"))


def all_panels(fig: Figures, day: dt.date) -> list[dict[str, Any]]:
    """Every panel of the dashboard, in the page's order."""
    depts = department_names(fig.get("records_department", {}))
    outcomes = {o.value: str(o.label) for o in FeedbackOutcome}
    return [
        *target_panels(fig),
        _simple("org_type", _("Organizations by type"), "pie", fig.get("org_type", {}),
                lambda c: label_for(OrgType, c), [t.value for t in OrgType], pgettext("statistics", "Type")),
        _simple("org_field", _("Organizations by field"), "hbar", fig.get("org_field", {}),
                lambda c: label_for(OrgField, c), header=pgettext("statistics", "Field")),
        _simple("org_status", _("Organizations by registration status"), "bar", fig.get("org_status", {}),
                lambda c: label_for(OrgStatus, c), [s.value for s in OrgStatus], pgettext("statistics", "Status")),
        _simple("credit_level", pgettext("statistics", "Credit levels"), "pie", fig.get("credit_level", {}), _level_label,
                [*LEVELS, "none"], pgettext("statistics", "Credit level")),
        level_trend(fig, day),
        _simple("list_in_force", _("Organizations on the lists"), "bar", fig.get("list_in_force", {}),
                _list_label, ["abnormal", "serious", "red"], pgettext("statistics", "List")),
        list_movements(fig, day),
        _simple("records_category", _("Records in force by category"), "hbar", fig.get("records_category", {}),
                lambda c: label_for(RecordCategory, c), header=pgettext("statistics", "Category")),
        _simple("records_department", _("Records in force by issuing department"), "hbar",
                fig.get("records_department", {}), lambda c: depts.get(c, c), header=pgettext("statistics", "Department")),
        annual_report_panel(fig, day),
        cases_panel(fig),
        checks_panel(fig, day),
        _simple("measures", _("Measures reported by the departments"), "pie", fig.get("measures", {}),
                lambda c: outcomes.get(c, c), header=pgettext("statistics", "Outcome")),
    ]  # fmt: skip


PUBLISHABLE = {
    "org_type": gettext_lazy("Organizations by type"),
    "org_field": gettext_lazy("Organizations by field"),
    "credit_level": gettext_lazy("Credit levels"),
    "list_in_force": gettext_lazy("Organizations on the lists"),
    "list_movements": gettext_lazy("List entries and exits by month"),
    "annual_reports": gettext_lazy("Annual report filing rate"),
    "target_party_charter": TARGET_TITLES[TargetKey.PARTY_CHARTER],
    "target_clean": TARGET_TITLES[TargetKey.CLEAN],
}
"""The panels an authority may publish: counts of organizations and of the published lists only —
never the records by department, the cases, the checks or anything about a single organization."""


def public_panels(fig: Figures, day: dt.date, chosen: Iterable[str]) -> list[dict[str, Any]]:
    keys = [k for k in chosen if k in PUBLISHABLE]
    return [p for p in all_panels(fig, day) if p["key"] in keys]


CHILD_METRICS = (
    "org_status",
    "credit_level",
    "list_in_force",
    "target_clean",
    "target_evaluated",
    "annual_reports",
)


def child_row(fig: Figures) -> dict[str, Any]:
    """The drill-down table's numbers for one child region."""
    existing = sum(v for k, v in fig.get("org_status", {}).items() if k in ("normal", "suspended"))
    levels = fig.get("credit_level", {})
    lists = fig.get("list_in_force", {})
    clean, evaluated = fig.get("target_clean", {}), fig.get("target_evaluated", {})
    reports = fig.get("annual_reports", {})
    return {
        "organizations": existing,
        "level_a": levels.get("A", 0),
        "abnormal": lists.get("abnormal", 0),
        "serious": lists.get("serious", 0),
        "red": lists.get("red", 0),
        "clean": _shown(percent(clean.get("num", 0), clean.get("den", 0))),
        "evaluated": _shown(percent(evaluated.get("num", 0), evaluated.get("den", 0))),
        "filed": _shown(percent(reports.get("filed", 0), reports.get("due", 0))),
    }
