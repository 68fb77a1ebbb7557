"""Page-or-fragment rendering for HTMX requests."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def is_partial(request: HttpRequest) -> bool:
    """True for an HTMX request that targets a fragment rather than a full page load."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "boosted", False)


def render_page_or_partial(
    request: HttpRequest, page: str, partial: str, context: dict[str, Any]
) -> HttpResponse:
    return render(request, partial if is_partial(request) else page, context)
