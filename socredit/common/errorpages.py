"""The error pages (400, 403, 404, 500 and a refused CSRF token): the product's layout with a way back.

Pages answer in the product's look and language, with the navigation of whoever is signed in, a link
back to the page the user came from (when it was one of ours) and to their home: staff to the
organization list, an organization's account to its own credit file (/my/), someone not signed in
to the sign-in page and the public complaint form. The API (/api/) answers JSON, never a page.

The 500 page renders without the request's context processors (they may need the database that just
failed) and extends nothing: `errors/500.html` is self-contained, links the product's stylesheet and
shows the brand, a short explanation and the way home.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
API_DETAIL = {400: "Bad request", 403: "Forbidden", 404: "Not found", 500: "Server error"}


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _api_error(status: int) -> JsonResponse:
    return JsonResponse({"detail": API_DETAIL[status]}, status=status)


def back_url(request: HttpRequest) -> str | None:
    """The page the user came from, if it is one of ours and not the page that failed."""
    referer = request.headers.get("Referer", "")
    try:
        host = request.get_host()
    except DisallowedHost:  # the 400 of a request for another host: no way back through it
        return None
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return None
    if referer.endswith(request.get_full_path()) and request.get_full_path() != "/":
        return None
    return referer


def persona_of(request: HttpRequest) -> str:
    """Which home the page offers: "org" (an organization's own account), "staff" or "anonymous"."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "anonymous"
    return "org" if getattr(user, "is_org_account", False) else "staff"


def _page(request: HttpRequest, status: int, template: str, **extra: Any) -> HttpResponse:
    if _is_api(request):
        return _api_error(status)
    context = {"status": status, "back_url": back_url(request), "persona": persona_of(request), **extra}
    return render(request, template, context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400, "errors/400.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    user = getattr(request, "user", None)
    read_only = bool(
        user is not None
        and user.is_authenticated
        and not getattr(user, "is_org_account", False)
        and not getattr(user, "can_write", False)
    )
    return _page(request, 403, "errors/403.html", read_only=read_only)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404, "errors/404.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent with a stale or missing token (an expired session, cookies off)."""
    return _page(request, 403, "errors/403_csrf.html")


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: no context processors, no database, nothing that could fail again."""
    if _is_api(request):
        return _api_error(500)
    try:
        stylesheet = static("socredit/app.css")
    except ValueError:  # a manifest without the file (collectstatic not run): the plain path
        stylesheet = f"{settings.STATIC_URL}socredit/app.css"
    context = {
        "stylesheet": stylesheet,
        "language": get_language() or settings.LANGUAGE_CODE,
    }
    try:
        body = loader.get_template("errors/500.html").render(context)
    except Exception:  # the last resort must answer
        logger.exception("the 500 page failed to render")
        body = "<!DOCTYPE html><title>500</title><h1>500</h1><p><a href='/'>/</a></p>"
    return HttpResponse(body, status=500)
