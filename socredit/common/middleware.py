"""Language selection: Chinese is the product's language unless the user chose another."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


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
