"""The answer to a sign-in refused by the lockout (django-axes calls ``locked_out``: AXES_LOCKOUT_CALLABLE),
and the change of one's own password (修改密码)."""

from __future__ import annotations

import math
from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from socredit.apps.accounts import services
from socredit.apps.accounts.forms import OwnPasswordForm

LOCKED_OUT_STATUS = 429  # Too Many Requests


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The sign-in page's lockout message: how many failures lock, and for how many minutes."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return render(request, "accounts/locked_out.html", context, status=LOCKED_OUT_STATUS)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """修改密码: every signed-in account; the page an account that must change its password is sent to."""
    user = request.user
    form = OwnPasswordForm(user, request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if request.method == "POST" and form.is_valid():
        services.change_own_password(user=user, channel="form", password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was changed."))
        return redirect(next_url)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/password_change.html", {"form": form, "next": next_url}, status=status)
