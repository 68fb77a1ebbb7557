"""Request middleware: the language (Chinese unless chosen), organization accounts kept to their pages,
and the change of a password an administrator set."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect


class ChineseUnlessChosenMiddleware:
    """Ignore the browser's Accept-Language header: staff machines are often set to English by
    default, yet the authority works in Chinese. The choice made with the language switch (a cookie)
    is what LocaleMiddleware then honours."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


ORGANIZATION_PREFIXES = (
    "/my/", "/accounts/", "/i18n/", "/public/", "/static/", "/o/", "/search/", "/start/",
    "/reports/", "/qr/", "/open-data/", "/api/public/",
)  # fmt: skip
"""What an organization's own account (组织账号) may open: its self-service pages and the public ones
(with the portal's home, ``/``; credit reports and their verification, 一社一码 images, open data and
the public API)."""


class OrganizationAccountMiddleware:
    """Keep organization accounts out of the staff pages and the staff API in one place.

    An organization's user signs in with the same login as staff but works only under /my/ (its own
    credit file, objections, repairs, commitments). Every other page answers 403, so a staff page
    added later cannot leak to organizations by forgetting a check. The public portal is theirs too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            # no session, no organization account (a department's API call, a public page): not
            # loading the anonymous user saves a lookup per request on the busiest paths
            return self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "is_org_account", False)
            and request.path != "/"
            and not request.path.startswith(ORGANIZATION_PREFIXES)
        ):
            raise PermissionDenied("组织账号只能使用“我的信用档案”页面")
        return self.get_response(request)


PASSWORD_CHANGE_URL = "/accounts/password/"  # noqa: S105 — a page address, not a password
PASSWORD_CHANGE_EXEMPT = ("/accounts/", "/i18n/", "/static/")
"""What an account that must change its password may still open: sign-in, sign-out, the change
page itself, the language switch and the static files."""


class PasswordChangeRequiredMiddleware:
    """An account whose password an administrator chose or reset (``must_change_password``) is sent
    to the change-password page from every other page until it sets its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)  # no session, no signed-in user (as above)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(PASSWORD_CHANGE_EXEMPT)
        ):
            return HttpResponseRedirect(
                f"{PASSWORD_CHANGE_URL}?{urlencode({'next': request.get_full_path()})}"
            )
        return self.get_response(request)
