"""政策参数 pages for administrators: which profile versions exist, which regions each governs and
from when, and every parameter of a version with its rules.md item, tag and source; parameters
reserved for work not yet built are marked 预留：尚未启用.

These are the pages where internal codes (item codes, tags, parameter names, version names) belong;
nothing here leaves the office.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from socredit.apps.accounts.models import StaffRole
from socredit.apps.registry.models import Region
from socredit.common.clock import today
from socredit.core.policy import PARAMETERS, TAG_NAMES, shipped_profiles
from socredit.core.policy_parameters import RESERVED, reserved_for
from socredit.core.policy_select import NoProfile, governance, locality_profile


def _require_admin(request: HttpRequest) -> None:
    user: Any = request.user
    if not (user.is_superuser or (user.staff_role == StaffRole.ADMIN and not user.is_org_account)):
        raise PermissionDenied


def _region_names(codes: set[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def _value_text(value: object) -> str:
    """A value as the profile files write it: true/false, lists joined."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "、".join(value)
    return str(value)


@login_required
def policy_profiles(request: HttpRequest) -> HttpResponse:
    """Every profile version: locality, regions governed, period, parent, what it states itself."""
    _require_admin(request)
    rows = governance()
    names = _region_names({c for r in rows for c in r.regions})
    return render(request, "lists/policy_profiles.html", {
        "rows": [{"g": r, "regions": [(c, names.get(c, "")) for c in r.regions]} for r in rows],
        "reserved": [{"prefix": p, "user": u} for p, u in RESERVED.items()],
    })  # fmt: skip


@login_required
def policy_profile_detail(request: HttpRequest, version: str) -> HttpResponse:
    """One version as it applies on a day (``?on=YYYY-MM-DD``, default today or its first day):
    for a locality, combined with the parent's profile in force that day."""
    _require_admin(request)
    library = shipped_profiles()
    try:
        own = library.get(version)
    except KeyError:
        raise Http404(version) from None
    row = next(r for r in governance() if r.version == version)
    on_text = request.GET.get("on", "")
    try:
        on = dt.date.fromisoformat(on_text) if on_text else max(today(), own.effective_from)
    except ValueError:
        on = max(today(), own.effective_from)
    if row.until is not None and on > row.until:
        on = row.until
    on = max(on, own.effective_from)
    error = ""
    profile = None
    try:
        profile = locality_profile(on, own.locality)
    except NoProfile as exc:
        error = str(exc)
    params = []
    for key, spec in PARAMETERS.items():
        p = profile.parameters.get(key) if profile is not None else own.parameters.get(key)
        params.append({
            "key": key, "spec": spec, "p": p, "own": key in own.parameters, "value": _value_text(p.value) if p else "",
            "tag_name": TAG_NAMES.get(p.tag, "") if p else "", "reserved": reserved_for(key),
        })  # fmt: skip
    names = _region_names(set(row.regions))
    return render(request, "lists/policy_profile_detail.html", {
        "g": row, "regions": [(c, names.get(c, "")) for c in row.regions], "on": on, "profile": profile,
        "error": error, "params": params,
    })  # fmt: skip
