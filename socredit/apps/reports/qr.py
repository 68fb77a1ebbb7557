"""QR codes (segno): 一社一码 (an organization's stable code opening its public profile) and the
verification link printed on a credit report.

The URL inside a code is absolute. Its origin is ``SOCREDIT_PUBLIC_URL`` when set (production: the
portal's public address, so a code printed today keeps working whichever host served it), else the
request's own origin.
"""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.http import HttpRequest

KINDS = {"png": "image/png", "svg": "image/svg+xml"}
PRINT_SCALE = 10
"""Pixels per module of a downloaded code: a 33-module code with its quiet zone is ~410 px, which
prints sharp at 3.5 cm and more."""


def absolute(request: HttpRequest | None, path: str) -> str:
    base = str(getattr(settings, "SOCREDIT_PUBLIC_URL", "") or "").rstrip("/")
    if base:
        return base + path
    if request is None:
        return path
    return request.build_absolute_uri(path)


def qr_bytes(url: str, kind: str, scale: int = PRINT_SCALE) -> bytes:
    """The code of ``url`` as a PNG or SVG file (error correction M: it survives a little dirt)."""
    buffer = io.BytesIO()
    code = segno.make(url, error="m", micro=False)
    if kind == "svg":
        code.save(buffer, kind="svg", scale=scale, xmldecl=True, svgns=True, title=url)
    else:
        code.save(buffer, kind="png", scale=scale)
    return buffer.getvalue()


def qr_data_uri(url: str, scale: int = 3) -> str:
    """The code as an inline ``data:`` SVG (the PDF engine fetches nothing else)."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=scale)
