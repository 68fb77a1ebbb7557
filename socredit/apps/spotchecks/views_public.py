"""一公开 — the public pages of spot-check results: published plans and one plan's results."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from socredit.apps.spotchecks.access import published_plan, published_plans
from socredit.apps.spotchecks.validation import percent


def public_plan_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(published_plans(), 50).get_page(request.GET.get("page"))
    return render(request, "spotchecks/public/plan_list.html", {"page": page})


def public_plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = published_plan(pk)
    checks = plan.checks.select_related("organization").order_by("organization__name")
    page = Paginator(checks, 100).get_page(request.GET.get("page"))
    context = {"plan": plan, "page": page, "base": percent(plan.base_rate)}
    return render(request, "spotchecks/public/plan_detail.html", context)
