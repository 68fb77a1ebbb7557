"""What a report, the open data and the public API say: the portal's public profile, nothing else.

``profile`` is ``portal.public.public_profile`` in Chinese (a report is issued in Chinese, as the
office's documents are, and the open data is one language); ``changes`` says what of an
organization's public status differs between what a report said and today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from socredit.apps.portal.public import public_organization, public_profile
from socredit.apps.portal.stored import LANGUAGE as STORED_LANGUAGE
from socredit.apps.portal.stored import built_in_chunks
from socredit.apps.registry.models import Organization
from socredit.common.clock import today

LANGUAGE = STORED_LANGUAGE

STATUS_PARTS: list[tuple[Any, Any]] = [
    (_("Credit level"), lambda p: p.get("credit_level")),
    (_("Abnormal-activity or serious-dishonesty list"), lambda p: _listed(p, "current")),
    (_("Red list"), lambda p: _listed(p, "red")),
    (_("Administrative penalties"), lambda p: _penalties(p)),
    (_("Evaluation grade"), lambda p: p.get("evaluation_grade")),
    (_("Registration status"), lambda p: (p.get("organization") or {}).get("status")),
]
"""The parts of the public status a verification compares (what a buyer or a bank checks): each a
label and the part of the profile it reads."""


def _listed(p: dict[str, Any], key: str) -> list[tuple[Any, ...]]:
    return sorted((e.get("list"), e.get("entered_on"), e.get("document_number")) for e in p["lists"][key])


def _penalties(p: dict[str, Any]) -> list[tuple[Any, ...]]:
    return sorted(
        (r.get("document_number"), r.get("decided_on"), r.get("amount")) for r in p["records"]["penalties"]
    )


def organization(code: str) -> Organization | None:
    return public_organization(code)


def profile(org: Organization, as_of: dt.date) -> dict[str, Any]:
    return public_profile(org, as_of, language=LANGUAGE)


def changes(then: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """Labels of the parts of the public status that differ between ``then`` and ``now`` (empty: none)."""
    out = []
    for label, part in STATUS_PARTS:
        try:
            if part(then) != part(now):
                out.append(str(label))
        except (KeyError, TypeError, AttributeError):
            out.append(str(label))  # a part missing on one side has changed
    return out


def profile_path(code: str) -> str:
    """The public profile page of an organization (the portal's ``/o/<code>/``), the address its QR
    code opens: stable as long as the code is."""
    return reverse("portal:profile", kwargs={"code": code})


def profiles_in_chunks(as_of: dt.date, chunk: int) -> Iterator[list[dict[str, Any]]]:
    """Every organization's public profile on ``as_of``, a chunk at a time, in primary-key order
    (keyset paging: each chunk is one indexed range read, never an OFFSET and never the whole table).
    For today they are also stored as the public API's answers (``portal.stored``): built once for both."""
    if as_of == today():
        yield from built_in_chunks(as_of, chunk)
        return
    last = 0
    while True:
        orgs = list(Organization.objects.select_related("region").filter(pk__gt=last).order_by("pk")[:chunk])
        if not orgs:
            return
        last = orgs[-1].pk
        yield [profile(o, as_of) for o in orgs]
