"""Per-client limits of the public site and the public API (django-ratelimit, counted in a cache).

One table of limits, ``settings.SOCREDIT_PUBLIC_RATES``, by group: the portal's searches and list
downloads, credit reports, their verification, 一社一码 images, open data files and public API calls.
A client is its address (``REMOTE_ADDR``: behind a reverse proxy, have the WSGI server take the
client's address from the proxy). Each limit is ``"N/period"`` (``s``, ``m``, ``h``, ``d``); an empty
value switches that limit off (the benchmarks do: one load generator is one client). The counts live
in the ``ratelimit`` cache, per server process unless a shared cache (Redis, Memcached) is configured:
with N workers a client gets up to N times the rate.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from django_ratelimit.core import is_ratelimited

DEFAULT_RATES = {
    "search": "120/m",  # portal searches
    "download": "20/m",  # the published lists as CSV or XLSX
    "report": "10/m",  # credit report PDFs (each is drawn afresh and kept)
    "verify": "30/m",  # verification by code or file
    "qr": "60/m",  # 一社一码 images
    "opendata": "30/h",  # bulk files (each is large)
    "api": "120/m",  # public API calls
}
"""Limits when neither the settings nor the environment name one."""

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def rate(group: str) -> str:
    """The limit of ``group`` in force (``""`` when switched off)."""
    rates = getattr(settings, "SOCREDIT_PUBLIC_RATES", None) or {}
    return str(rates.get(group, DEFAULT_RATES[group]))


def over_limit(request: HttpRequest, group: str) -> bool:
    """Count this request in ``group`` and say whether its client is over the limit."""
    limit = rate(group)
    if not limit:
        return False
    return bool(is_ratelimited(request, group=f"public-{group}", key="ip", rate=limit, increment=True))


def retry_after(group: str) -> int:
    """Seconds to suggest in Retry-After: the limit's period."""
    period = rate(group).partition("/")[2] or "m"
    count = int(period[:-1] or 1) if period[:-1].isdigit() else 1
    return count * _UNIT_SECONDS.get(period[-1], 60)


def wait_in_words(seconds: int) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    if seconds >= 60 and seconds % 60 == 0:
        minutes = seconds // 60
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}


def too_many_requests(request: HttpRequest, group: str) -> HttpResponse:
    """429 in the error pages' frame: what happened and how long to wait."""
    seconds = retry_after(group)
    context = {"status": 429, "persona": "anonymous", "wait": wait_in_words(seconds)}
    response = render(request, "errors/429.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


def limited(group: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view allowed ``rate(group)`` requests per client; past it, the 429 page."""

    def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if over_limit(request, group):
                return too_many_requests(request, group)
            return view(request, *args, **kwargs)

        return inner

    return wrap
