"""Staff pages of the risk warnings: the inbox (filters, counts per level, paged), a warning (facts
in words, the rule's reason and basis, history, acknowledge → handle → close), the street
self-report, the summary per street, the organization page's section and the rules' admin pages.

Each view: parse → access_* (404 outside the region) → service (the only writer) → render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from socredit.apps.registry.access import access_organization
from socredit.apps.registry.models import Region
from socredit.apps.riskwarnings import services
from socredit.apps.riskwarnings.access import access_warning, access_warnings, rules
from socredit.apps.riskwarnings.display import facts_in_words
from socredit.apps.riskwarnings.forms import FilterForm, NoteForm, RuleForm, SelfReportForm, option_label
from socredit.apps.riskwarnings.models import OPEN_STATES, RiskWarning, WarningRule
from socredit.common.access import get_or_404, is_administrator, restrict, scope_path_of
from socredit.common.errors import FieldErrors
from socredit.common.htmx import render_page_or_partial
from socredit.core.riskwarnings.rules import KIND_THRESHOLDS, LEVEL_RANK, Level

PER_PAGE = 50


def _levels() -> list[tuple[str, str]]:
    return [(lv.value, lv.label(get_language())) for lv in Level]


def _staff(user: Any) -> None:
    if scope_path_of(user) is None:
        raise PermissionDenied


def _scope_regions(user: Any) -> list[tuple[str, str]]:
    """Regions and streets within the user's scope that hold organizations (for the filter)."""
    qs = restrict(Region.objects.filter(active=True, level__gte=2), user, "path").order_by("path")
    return [(r.code, f"{'　' * max(r.level - 2, 0)}{r.name}") for r in qs[:2000]]


def _filtered(request: HttpRequest, form: FilterForm) -> tuple[QuerySet[RiskWarning], QuerySet[RiskWarning]]:
    """(the warnings the filter asks for, the same without the level filter: for the counts)."""
    qs = access_warnings(request.user)
    d = form.cleaned_data if form.is_valid() else {}
    state = d.get("state") or ""
    if state == "":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state != "all":
        qs = qs.filter(state=state)
    if d.get("rule"):
        qs = qs.filter(rule__code=d["rule"])
    if d.get("region"):
        region = Region.objects.filter(code=d["region"]).first()
        if region is not None:
            qs = qs.filter(
                Q(organization__region__path__startswith=region.path)
                | Q(organization__street__path__startswith=region.path)
            )
    if d.get("since"):
        qs = qs.filter(first_seen__gte=d["since"])
    if d.get("until"):
        qs = qs.filter(first_seen__lte=d["until"])
    if d.get("held") and getattr(request.user, "region_id", None):
        qs = qs.filter(holder_id=request.user.region_id)
    all_levels = qs
    if d.get("level"):
        qs = qs.filter(level=d["level"])
    return qs, all_levels


@login_required
def warning_list(request: HttpRequest) -> HttpResponse:
    """预警信息 inbox: the open warnings of the user's region (street staff: their street)."""
    _staff(request.user)
    form = FilterForm(request.GET or None, regions=_scope_regions(request.user))
    qs, all_levels = _filtered(request, form)
    counts = dict(all_levels.order_by().values_list("level").annotate(n=Count("id")))
    levels = [{"code": code, "label": label, "n": counts.get(code, 0)} for code, label in _levels()]
    page = Paginator(qs.order_by("-first_seen", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "riskwarnings/warning_list.html", {
        "form": form, "page": page, "levels": levels, "total": sum(counts.values()), "query": query.urlencode(),
        "can_write": getattr(request.user, "can_write", False),
    })  # fmt: skip


def _detail(
    request: HttpRequest, warning: RiskWarning, form: NoteForm | None = None, status: int = 200
) -> HttpResponse:
    en = (get_language() or "").startswith("en")
    return render(request, "riskwarnings/warning_detail.html", {
        "w": warning, "facts": facts_in_words(warning.rule.kind, warning.facts),
        "reason": warning.rule.reason_en if en else warning.rule.reason,
        "basis": warning.rule.basis_en if en else warning.rule.basis,
        "rule_name": warning.rule.name_en if en else warning.rule.name,
        "events": warning.events.order_by("at", "id"), "form": form or NoteForm(),
        "can_write": getattr(request.user, "can_write", False) and warning.is_open,
    }, status=status)  # fmt: skip


@login_required
def warning_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access_warning(request.user, pk))


ACTIONS = {
    "acknowledge": (services.acknowledge, _("The warning is acknowledged.")),
    "handle": (services.take_into_handling, _("The warning is being handled.")),
    "close": (services.close, _("The warning is closed.")),
}


@require_POST
@login_required
def warning_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    warning = access_warning(request.user, pk)
    service, done = ACTIONS[action]
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, channel="form", warning=warning, note=form.cleaned_data["note"])
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, str(done))
            return redirect("riskwarnings:warning_detail", pk=warning.pk)
    return _detail(request, access_warning(request.user, pk), form, 400)


@login_required
@require_http_methods(["GET", "POST"])
def warning_create(request: HttpRequest) -> HttpResponse:
    """自主申报、走访发现: raise a warning on an organization of one's street (or region)."""
    if not getattr(request.user, "can_write", False):
        raise PermissionDenied
    form = SelfReportForm(request.POST or None, initial={"organization": request.GET.get("organization", "")})
    if request.method == "POST" and form.is_valid():
        try:
            warning = services.self_report(actor=request.user, channel="form", code=form.cleaned_data["organization"],
                                           rule_code=form.cleaned_data["rule"], reason=form.cleaned_data["reason"])  # fmt: skip
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The warning is raised."))
            return redirect("riskwarnings:warning_detail", pk=warning.pk)
    return render(
        request,
        "riskwarnings/warning_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def street_summary(request: HttpRequest) -> HttpResponse:
    """分街镇汇总: open warnings by level for each street (and county) of the user's scope."""
    _staff(request.user)
    qs = access_warnings(request.user).filter(state__in=OPEN_STATES).order_by()
    rows: dict[tuple[str, str, str], dict[str, int]] = {}
    for county, street, street_name, level, n in qs.values_list(
        "organization__region__name", "organization__street__code", "organization__street__name", "level"
    ).annotate(n=Count("id")):
        key = (county, street or "", street_name or _("(no street recorded)"))
        rows.setdefault(key, {})[level] = n
    counties: dict[str, dict[str, int]] = {}
    for (county, _c, _n), by in rows.items():
        for lv, n in by.items():
            counties.setdefault(county, {})[lv] = counties.setdefault(county, {}).get(lv, 0) + n
    table = [{"county": c, "street": name, "code": code, "cells": [by.get(lv, 0) for lv, _l in _levels()],
              "total": sum(by.values())} for (c, code, name), by in sorted(rows.items())]  # fmt: skip
    totals = [{"county": c, "cells": [by.get(lv, 0) for lv, _l in _levels()], "total": sum(by.values())}
              for c, by in sorted(counties.items())]  # fmt: skip
    return render(
        request, "riskwarnings/street_summary.html", {"table": table, "totals": totals, "levels": _levels()}
    )


@login_required
def organization_warnings(request: HttpRequest, code: str) -> HttpResponse:
    """The organization page's section: its open warnings and the recent closed or cleared ones."""
    org = access_organization(request.user, code)
    qs = access_warnings(request.user).filter(organization=org)
    open_ = sorted(qs.filter(state__in=OPEN_STATES).select_related("rule"),
                   key=lambda w: (LEVEL_RANK.get(w.level, 9), -w.pk))  # fmt: skip
    for w in open_:
        w.found = facts_in_words(w.rule.kind, w.facts)  # type: ignore[attr-defined]  # shown in the section
    recent = qs.exclude(state__in=OPEN_STATES).order_by("-last_seen", "-id")[:5]
    return render_page_or_partial(request, "riskwarnings/organization_warnings.html",
                                  "riskwarnings/partials/_organization_warnings.html",
                                  {"org": org, "open": open_, "recent": recent,
                                   "can_write": getattr(request.user, "can_write", False)})  # fmt: skip


def _admin(user: Any) -> None:
    if not is_administrator(user):
        raise PermissionDenied


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    """预警规则维护 (administrators): every rule with its kind, level, thresholds and version."""
    _admin(request.user)
    language = get_language()
    rows = []
    for rule in rules():
        parts = []
        for spec in KIND_THRESHOLDS[rule.kind]:
            value = rule.thresholds.get(spec.name)
            if isinstance(value, list):
                value = _("; ").join(option_label(v, language) for v in value)
            elif isinstance(value, bool):
                value = _("Yes") if value else _("No")
            parts.append(f"{spec.label(language)}: {value}")
        rows.append({"rule": rule, "thresholds": parts})
    return render(request, "riskwarnings/rule_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _admin(request.user)
    rule = get_or_404(WarningRule.objects.all(), pk=pk)
    if request.method == "POST":
        form = RuleForm(request.POST, rule=rule)
        if form.is_valid():
            try:
                services.update_rule(actor=request.user, channel="form", rule=rule, data=form.service_data())
            except FieldErrors as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The rule is saved."))
                return redirect("riskwarnings:rule_list")
        status = 400
    else:
        form, status = RuleForm(initial=RuleForm.initial_for(rule), rule=rule), 200
    specs = KIND_THRESHOLDS[rule.kind]
    return render(
        request, "riskwarnings/rule_form.html", {"form": form, "rule": rule, "specs": specs}, status=status
    )
