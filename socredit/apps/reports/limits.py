"""Per-client limits of the public pages and the public API (django-ratelimit, counted in the cache).

A client is its address (``REMOTE_ADDR``: behind a reverse proxy, have the WSGI server take the
client's address from the proxy, as for the complaint form). Each limit is a setting ``"N/period"``
(``s``, ``m``, ``h``, ``d``); an empty value switches that limit off (the benchmarks do).
The counts live in Django's default cache: with several server processes, give them a shared cache
(``CACHES``: Redis or Memcached) or each process counts on its own.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

DEFAULT_RATES = {
    "report": "10/m",  # credit report PDFs (each is drawn afresh and kept)
    "verify": "30/m",  # verification by code or file
    "qr": "60/m",  # 一社一码 images
    "opendata": "30/h",  # bulk files (each is large)
    "api": "120/m",  # public API calls
}


def rate(group: str) -> str:
    rates = getattr(settings, "SOCREDIT_PUBLIC_RATES", {}) or {}
    return str(rates.get(group, DEFAULT_RATES[group]))


def over_limit(request: HttpRequest, group: str) -> bool:
    """Count this request in ``group`` and say whether the client is over its limit."""
    limit = rate(group)
    if not limit:
        return False
    return bool(is_ratelimited(request, group=f"public-{group}", key="ip", rate=limit, increment=True))


def retry_after(group: str) -> int:
    """Seconds to suggest in Retry-After: the limit's period."""
    period = rate(group).partition("/")[2] or "m"
    unit = period[-1]
    count = int(period[:-1] or 1)
    return count * {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(unit, 60)
