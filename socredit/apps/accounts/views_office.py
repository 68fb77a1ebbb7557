"""Account administration (账号管理) for a region's administrators: the staff and organization
accounts of the region and below, and the API tokens of its departments.

Thin views: access (403 for anyone but an administrator, 404 outside the region) → service → page.
A refused write re-renders its page with the service's message (400). A generated password or a
new token's key is shown once, on the answer to the POST that made it, never stored in the session
and never cached by the browser.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from socredit.apps.accounts import services
from socredit.apps.accounts.access import (
    access_account,
    access_token,
    administered_accounts,
    administered_tokens,
    locked_usernames,
    require_administrator,
)
from socredit.apps.accounts.forms import (
    AccountFilterForm,
    StaffCreateForm,
    StaffPostForm,
    TokenIssueForm,
    TokenRevokeForm,
)
from socredit.apps.accounts.models import ApiToken, TokenScope, User
from socredit.common.errors import FieldErrors

PER_PAGE = 50
CHANNEL = "form"


def _once(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A page that shows a secret once: not kept by the browser's cache or back button."""
    response = render(request, template, context)
    add_never_cache_headers(response)
    return response


def _scope_labels(token: ApiToken) -> list[str]:
    """What the token may do, in the page's language (a scope no longer known keeps its name)."""
    labels = dict(TokenScope.choices)
    return [str(labels.get(s, s)) for s in token.scopes]


def _filtered(form: AccountFilterForm, qs: QuerySet[User]) -> QuerySet[User]:
    if not form.is_valid():
        return qs.none()
    data = form.cleaned_data
    if data["q"]:
        qs = qs.filter(Q(username__icontains=data["q"]) | Q(full_name__icontains=data["q"]))
    if data["kind"] == "staff":
        qs = qs.filter(organization__isnull=True)
    elif data["kind"] == "organization":
        qs = qs.filter(organization__isnull=False)
    if data["region"] is not None:
        region = data["region"]
        qs = qs.filter(Q(region=region, organization__isnull=True) | Q(organization__region=region))
    if data["staff_role"]:
        qs = qs.filter(staff_role=data["staff_role"], organization__isnull=True)
    if data["active"]:
        qs = qs.filter(is_active=data["active"] == "yes")
    return qs


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    require_administrator(request.user)
    form = AccountFilterForm(request.GET, admin=request.user)
    staff_first = F("organization_id").asc(nulls_first=True)  # the same on SQLite and PostgreSQL
    qs = _filtered(form, administered_accounts(request.user)).order_by(
        staff_first, "region__path", "username"
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    locked = locked_usernames([u.username for u in page.object_list])
    return render(request, "accounts/account_list.html", {
        "form": form, "page": page, "query": query.urlencode(), "locked": locked,
    }, status=200 if form.is_valid() else 400)  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    require_administrator(request.user)
    form = StaffCreateForm(request.POST or None, admin=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, generated = services.create_staff_account(
                actor=request.user, channel=CHANNEL, username=data["username"], full_name=data["full_name"],
                region=data["region"], staff_role=data["staff_role"], password=data["password"],
            )  # fmt: skip
        except FieldErrors as exc:
            form.add_field_errors(exc)
        else:
            return _once(request, "accounts/account_created.html", {"account": user, "password": generated})
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/account_create.html", {"form": form}, status=status)


def _detail(request: HttpRequest, account: User, post_form: StaffPostForm | None = None,
            error: FieldErrors | None = None, status: int = 200) -> HttpResponse:  # fmt: skip
    if post_form is None and not account.organization_id:
        post_form = StaffPostForm(
            initial={"region": account.region_id, "staff_role": account.staff_role}, admin=request.user
        )
    return render(request, "accounts/account_detail.html", {
        "account": account, "post_form": post_form, "error": error,
        "locked": account.username in locked_usernames([account.username]),
        "is_self": account.pk == request.user.pk,
    }, status=status)  # fmt: skip


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access_account(request.user, pk))


@require_POST
@login_required
def account_post(request: HttpRequest, pk: int) -> HttpResponse:
    account = access_account(request.user, pk)
    form = StaffPostForm(request.POST, admin=request.user)
    if form.is_valid():
        try:
            services.change_staff_post(actor=request.user, channel=CHANNEL, user=account,
                                       region=form.cleaned_data["region"], staff_role=form.cleaned_data["staff_role"])  # fmt: skip
        except FieldErrors as exc:
            form.add_field_errors(exc)
        else:
            messages.success(
                request, _("The post of %(account)s was changed.") % {"account": account.username}
            )
            return redirect("office:account_detail", pk=account.pk)
    return _detail(request, account, post_form=form, status=400)


def _account_action(request: HttpRequest, pk: int, act: Any, done: str) -> HttpResponse:
    account = access_account(request.user, pk)
    try:
        act(account)
    except FieldErrors as exc:
        return _detail(request, account, error=exc, status=400)
    messages.success(request, done % {"account": account.username})
    return redirect("office:account_detail", pk=account.pk)


@require_POST
@login_required
def account_set_active(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    """停用 / 启用 (two routes, ``active`` False or True)."""
    done = (
        _("%(account)s was enabled.")
        if active
        else _("%(account)s was disabled: it can no longer sign in, and its open sessions have ended.")
    )
    return _account_action(request, pk,
                           lambda a: services.set_account_active(actor=request.user, channel=CHANNEL, user=a, active=active),
                           done)  # fmt: skip


@require_POST
@login_required
def account_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    return _account_action(request, pk,
                           lambda a: services.unlock_sign_in(actor=request.user, channel=CHANNEL, user=a),
                           _("The sign-in lockout of %(account)s was lifted."))  # fmt: skip


@require_POST
@login_required
def account_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    account = access_account(request.user, pk)
    try:
        raw = services.reset_password(actor=request.user, channel=CHANNEL, user=account)
    except FieldErrors as exc:
        return _detail(request, account, error=exc, status=400)
    return _once(request, "accounts/password_shown.html", {"account": account, "password": raw})


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    require_administrator(request.user)
    qs = administered_tokens(request.user).order_by("-created_at", "-pk")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    rows = [{"token": t, "scopes": _scope_labels(t)} for t in page.object_list]
    return render(request, "accounts/token_list.html", {"page": page, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def token_issue(request: HttpRequest) -> HttpResponse:
    require_administrator(request.user)
    form = TokenIssueForm(request.POST or None, admin=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            token, raw = services.issue_token(actor=request.user, channel=CHANNEL, department=data["department"],
                                              name=data["name"], scopes=data["scopes"])  # fmt: skip
        except FieldErrors as exc:
            form.add_field_errors(exc)
        else:
            return _once(request, "accounts/token_issued.html",
                         {"token": token, "raw": raw, "scopes": _scope_labels(token)})  # fmt: skip
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/token_issue.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = access_token(request.user, pk)
    form = TokenRevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_token(
                actor=request.user, channel=CHANNEL, token=token, reason=form.cleaned_data["reason"]
            )
        except FieldErrors as exc:
            form.add_field_errors(exc)
        else:
            messages.success(
                request,
                _("The token %(name)s was revoked: its calls are refused from now on.")
                % {"name": token.name},
            )
            return redirect("office:token_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/token_revoke.html",
                  {"token": token, "form": form, "scopes": _scope_labels(token)}, status=status)  # fmt: skip
