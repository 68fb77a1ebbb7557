"""Staff pages of the registry: the organization list (filters, search, credit level and score,
HTMX), an organization with its credit file, and a person. Each view: parse → access_* → render.
The credit-file fragments come from the records app's template tags (`records_ui`), the credit
evaluation panels are loaded from the evaluation app's URLs: registry may import neither; the list
reads the current score through the reverse relation `credit` by name."""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from socredit.apps.registry import search as registry_search
from socredit.apps.registry.access import (
    access_held_role,
    access_organization,
    access_organizations,
    access_person,
    access_roles,
)
from socredit.apps.registry.filters import COUNT_CAP, NOT_EVALUATED, OrganizationFilter
from socredit.apps.registry.forms import organization_filter
from socredit.apps.registry.models import Role
from socredit.apps.registry.regions import suggest_regions
from socredit.apps.registry.services import (
    ID_NUMBER_SHOWN_ON,
    confirm_held_role,
    reveal_id_number,
    withdraw_held_role,
)
from socredit.apps.registry.services.registration import ACTIVE
from socredit.common.errors import FieldErrors
from socredit.common.htmx import is_partial, render_page_or_partial
from socredit.common.paging import Page, page_number
from socredit.core.scoring.model import LEVEL_CODES, LEVEL_NAMES
from socredit.core.search import normalise
from socredit.core.types import RoleKind


def _level_links(request: HttpRequest, filterset: OrganizationFilter) -> list[dict[str, Any]]:
    """One link per level (and "not evaluated") with its count under the other filters."""
    counts = filterset.level_counts(scope_path=request.user.scope_path())
    current = filterset.form.cleaned_data.get("level") if filterset.form.is_valid() else None
    links = []
    for code in [*LEVEL_CODES, NOT_EVALUATED]:
        query = request.GET.copy()
        query.pop("page", None)
        if current == code:
            query.pop("level", None)  # the chip of the chosen level takes the filter off again
        else:
            query["level"] = code
        links.append({"code": code, "name": LEVEL_NAMES.get(code, ""), "n": counts[code], "current": current == code,
                      "capped": counts[code] > COUNT_CAP, "query": query.urlencode()})  # fmt: skip
    return links


def _filtered_total(filterset: OrganizationFilter, scope_path: str | None) -> tuple[int | None, int, bool]:
    """The count a filtered list shows, the cap of its "more than" wording, and whether it is capped.

    Without a search: from the maintained counts under the filters they answer (exact); under the
    others (a score range) up to ``COUNT_CAP`` + 1 rows are counted. A search is counted by
    `registry.search.match_count`: exactly, among its candidates (at most ``CANDIDATE_CAP``); a broad
    search (more candidates) is not counted — counting would read up to 1,001·N/2,000 rows — and the
    list says "More than 2,000 matches" when the search is its only filter, and shows no count when
    other filters narrow it (a product decision: the number is not known without reading them)."""
    query = filterset.form.cleaned_data.get("q") if filterset.form.is_valid() else None
    if normalise(query):
        cap = registry_search.CANDIDATE_CAP
        total = registry_search.match_count(filterset.qs, query, cache=filterset.search_cache())
        if total is None and filterset.narrowing() == {"q"}:
            return cap + 1, cap, True
        return total, cap, False
    total = filterset.match_count(scope_path)
    if total is not None:
        return total, COUNT_CAP, False
    total = filterset.qs.order_by()[: COUNT_CAP + 1].count()  # unordered: the filter's own index
    return total, COUNT_CAP, total > COUNT_CAP


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    # Name order: the pinyin key's index serves the ORDER BY … LIMIT of every page. The current credit
    # score and level come along in the same query (a LEFT JOIN on the score's primary key).
    queryset = (
        access_organizations(request.user)
        .annotate(credit_score=F("credit__score"), credit_level=F("credit__level"))
        .order_by("name_sort", "name", "pk")
    )
    scope_path = request.user.scope_path()
    filterset = organization_filter(request.GET, queryset, scope_path)
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {"filter": filterset, "query": query.urlencode(), "count_cap": COUNT_CAP}
    if not filterset.is_valid():
        # a value that cannot be used is said by field, and nothing is listed as if it were not there
        context |= {"filter_errors": _filter_errors(filterset), "page": Page([], 1, False)}
        return render_page_or_partial(
            request, "registry/organization_list.html", "registry/partials/_organization_table.html", context
        )
    page = Page.of(filterset.rows(), page_number(request))
    for org in page.object_list:
        org.credit_level_name = LEVEL_NAMES.get(org.credit_level or "", "")
    if filterset.is_filtered():
        total, count_cap, capped = _filtered_total(filterset, scope_path)
    else:  # all the account's organizations: from the maintained counts, never a COUNT(*)
        total, count_cap, capped = filterset.total(scope_path), COUNT_CAP, False
    context |= {
        "page": page,
        "total": total,
        "filtered": filterset.is_filtered(),
        "count_cap": count_cap,
        "total_capped": capped,
        "shown_total": f"{total:,}" if total is not None else "",
        "shown_cap": f"{count_cap:,}",
        "last_page": None if total is None or capped else max(1, math.ceil(total / page.per_page)),
        "keep": [(k, v) for k, values in query.lists() for v in values],
        "level_links": _level_links(request, filterset),
    }
    return render_page_or_partial(
        request, "registry/organization_list.html", "registry/partials/_organization_table.html", context
    )


def _filter_errors(filterset: OrganizationFilter) -> list[str]:
    """Each filter value the list cannot use, as "field: what is wrong"."""
    fields = filterset.form.fields
    return [f"{fields[name].label}：{message}" for name, messages_ in filterset.form.errors.items()
            for message in messages_]  # fmt: skip


@login_required
def region_suggest(request: HttpRequest) -> HttpResponse:
    """The region picker's suggestions (行政区划联想): regions of the user's tree whose code begins with,
    or whose name holds, what was typed (``region`` or ``q``), as the <option>s of a <datalist>."""
    scope_path = request.user.scope_path()
    if scope_path is None:
        raise PermissionDenied
    text = request.GET.get("region", request.GET.get("q", ""))
    choices = suggest_regions(text, scope_path) if text.strip() else []
    return render(request, "registry/partials/_region_options.html", {"choices": choices})


def _role_sort_key(role: Role) -> tuple[Any, ...]:
    order = {k.value: i for i, k in enumerate(RoleKind)}
    return (not role.is_current, order.get(role.kind, 99), -role.start_on.toordinal())


@login_required
def organization_detail(request: HttpRequest, code: str) -> HttpResponse:
    org = access_organization(request.user, code)
    roles = sorted(access_roles(request.user).filter(organization=org), key=_role_sort_key)
    context = {
        "org": org,
        "roles": roles,
        "can_write": request.user.can_write,
        # registration acts: for writers, while the organization is not deregistered or revoked
        "can_change": request.user.can_write and org.status in ACTIVE,
        "history": org.registration_changes.select_related("branch"),
        "branches": org.branches.select_related("head_person"),
    }
    return render(request, "registry/organization_detail.html", context)


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = access_person(request.user, pk)
    roles = sorted(
        access_roles(request.user).filter(person=person).select_related("organization__region"),
        key=_role_sort_key,
    )
    context = {"person": person, "roles": roles, "can_write": request.user.can_write}
    return render(request, "registry/person_detail.html", context)


@require_POST
@login_required
def held_role_decide(request: HttpRequest, pk: int, role_pk: int, decision: str) -> HttpResponse:
    """身份核实 of a post held for an identity check: the same person (confirm) or not (withdraw)."""
    if not request.user.can_write:
        raise PermissionDenied
    person = access_person(request.user, pk)
    role = access_held_role(request.user, person, role_pk)
    try:
        if decision == "confirm":
            confirm_held_role(actor=request.user, channel="form", role=role)
            messages.success(request, _("Confirmed: the post is now shown under the registered name."))
        else:
            withdraw_held_role(
                actor=request.user, channel="form", role=role, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("The post was withdrawn."))
    except FieldErrors as exc:
        messages.error(request, exc.messages())
    return redirect("registry:person_detail", pk=person.pk)


BAD_PLACE = gettext_lazy(
    "The place on the page is not valid: click “Show the full number” on a person, organization, credit record "
    "or person listing page"
)


@require_POST
@login_required
def person_id_number(request: HttpRequest, pk: int) -> HttpResponse:
    """显示完整号码: one person's whole ID number, each showing an audit event. HTMX swaps in just the
    number; without JavaScript the POST answers a small page with the number and a link back to the
    place it was asked from. 404 for a person outside the account's region (as for a missing one),
    then 403 for an account that may not see whole numbers; nothing is recorded for either."""
    person = access_person(request.user, pk)
    if not request.user.can_see_id_numbers:
        raise PermissionDenied
    shown_on, key = request.POST.get("shown_on", ""), request.POST.get("key", "")
    if shown_on not in ID_NUMBER_SHOWN_ON or not key.isdigit() or len(key) > 18:
        return HttpResponse(str(BAD_PLACE), status=400, content_type="text/plain; charset=utf-8")
    number = reveal_id_number(request.user, person, shown_on=shown_on)
    context: dict[str, Any] = {"person": person, "revealed": number, "place": shown_on, "key": key}
    if is_partial(request):
        return render(request, "registry/partials/_id_number.html", context)
    back = request.POST.get("next", "")
    if not (
        back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    ):
        back = reverse("registry:person_detail", args=[person.pk])
    context["back"] = f"{back.partition('#')[0]}#idn-{shown_on}-{key}"
    return render(request, "registry/id_number_shown.html", context)
