"""The WSGI application: Django's handler, and a second one with a shorter middleware chain for the
calls of other departments' systems (部门系统接口调用).

A department's system calls the API with a token (``Authorization: Bearer …``) and no cookie. Such a
request has no session, no signed-in user, no CSRF token to check, no language choice (Chinese, the
product's language, as `ChineseUnlessChosenMiddleware` decides for every cookie-less request) and no
page to frame: the middleware that serves those does nothing for it but costs about a third of the
in-process time of a code lookup, the call these systems make thousands of times a second. Such
requests go through `TOKEN_CALL_MIDDLEWARE` (settings); every other request, including an API call
from a staff member's browser session, through the full `MIDDLEWARE`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

API_PREFIX = "/api/"
PUBLIC_API_PREFIX = "/api/public/"
"""The public read-only API: no credentials, no session, no form; a call without cookies takes the
short chain as a department's call does (its per-client limit is counted in the view)."""


def is_token_call(environ: dict[str, Any]) -> bool:
    """A call to the API with a bearer token, or to the public API, and without any cookie."""
    path = environ.get("PATH_INFO", "")
    return (
        path.startswith(API_PREFIX)
        and (
            environ.get("HTTP_AUTHORIZATION", "")[:7].lower() == "bearer "
            or path.startswith(PUBLIC_API_PREFIX)
        )
        and not environ.get("HTTP_COOKIE")
    )


class TokenCallHandler(WSGIHandler):
    """Django's WSGI handler with the middleware of `settings.TOKEN_CALL_MIDDLEWARE`."""

    def load_middleware(self, is_async: bool = False) -> None:
        # BaseHandler reads settings.MIDDLEWARE once, here; the chain is built from the shorter list
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.TOKEN_CALL_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


def get_application() -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    """The WSGI callable: token calls through `TokenCallHandler`, the rest through Django's handler."""
    import django

    django.setup(set_prefix=False)
    pages, token_calls = WSGIHandler(), TokenCallHandler()

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        handler = token_calls if is_token_call(environ) else pages
        return handler(environ, start_response)

    return application
