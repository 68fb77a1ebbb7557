"""The field rules of a ban entered by staff or pushed by a department: one rule set for both doors.
Every problem is reported on its own field and nothing is written while any remains."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from socredit.apps.registry.models import Organization, Region
from socredit.apps.registry.validation import clean_person
from socredit.common.errors import FieldErrors
from socredit.common.policy import NoProfile, policy_profile
from socredit.core import bans as rules
from socredit.core.bans import BanKind
from socredit.core.policy import PolicyProfile
from socredit.core.types import RoleKind
from socredit.core.values import clean_text, parse_date

TEXT_MAX = 1000


def _text(
    errors: FieldErrors, data: Mapping[str, Any], field: str, max_length: int, *, required: bool
) -> str:
    try:
        return clean_text(data.get(field), max_length=max_length, required=required, what="")
    except ValueError as exc:
        errors.add(field, str(exc) or _("This field is required."))
        return ""


def _date(errors: FieldErrors, data: Mapping[str, Any], field: str, day: dt.date, *, future: bool = False,
          required: bool = True) -> dt.date | None:  # fmt: skip
    if data.get(field) in (None, "") and not required:
        return None
    try:
        return parse_date(data.get(field), today=day, allow_future=future)
    except ValueError as exc:
        errors.add(field, str(exc))
        return None


def _years(errors: FieldErrors, data: Mapping[str, Any]) -> int | None:
    raw = data.get("years")
    if raw in (None, ""):
        return None
    try:
        years = int(str(raw).strip())
    except ValueError:
        errors.add("years", _("Enter the length of the ban as a whole number of years."))
        return None
    if years < 1:
        errors.add("years", _("A ban lasts at least one year."))
        return None
    return years


def profile_or_error(
    day: dt.date, region: Any, errors: FieldErrors, field: str = "decided_on"
) -> PolicyProfile | None:
    try:
        return policy_profile(day, region)
    except NoProfile as exc:
        errors.add(
            field, _("The policy parameters cannot be applied: %(message)s") % {"message": exc.message}
        )
        return None


def _period(ground: rules.BanGround, start: dt.date, until: dt.date | None, years: int | None,
            profile: PolicyProfile | None, errors: FieldErrors) -> dt.date | None:  # fmt: skip
    """The last day: fixed by the profile for a ground with a set length, within the profile's bounds
    for a decided one, as the decision states it (or open-ended) otherwise."""
    if years is not None and until is not None:
        errors.add("until", _("Give either the last day or the number of years, not both."))
        return None
    if years is not None:
        until = rules.ban_until(start, years)
    if until is not None and until < start:
        errors.add(
            "until", _("The ban cannot end before it begins (%(start)s).") % {"start": start.isoformat()}
        )
        return None
    if profile is None:
        return until
    if ground.years_key is not None:
        fixed = profile.get(ground.years_key)
        if fixed is None:
            errors.add("ground", _("The rules this authority applies do not provide for this ground."))
            return None
        expected = rules.ban_until(start, profile.int_value(ground.years_key))
        if until is not None and until != expected:
            errors.add("until", _("On this ground the ban lasts %(years)s years by law: it ends on %(until)s.")
                       % {"years": fixed, "until": expected.isoformat()})  # fmt: skip
        return expected
    if ground.min_years_key is not None and ground.max_years_key is not None:
        low, high = int(profile.int_value(ground.min_years_key)), int(profile.int_value(ground.max_years_key))
        if until is None:
            errors.add("years", _("Enter the length the decision sets: %(low)s to %(high)s years.")
                       % {"low": low, "high": high})  # fmt: skip
        elif not rules.ban_until(start, low) <= until <= rules.ban_until(start, high):
            errors.add("until", _("On this ground a ban lasts %(low)s to %(high)s years: from %(start)s it ends "
                                  "between %(first)s and %(last)s.")
                       % {"low": low, "high": high, "start": start.isoformat(),
                          "first": rules.ban_until(start, low).isoformat(),
                          "last": rules.ban_until(start, high).isoformat()})  # fmt: skip
    return until


def clean_ban(data: Mapping[str, Any], *, day: dt.date, region: Region | None) -> dict[str, Any]:
    """The cleaned values of a ban: the person (``name``, ``id_number``), ``kind``, ``ground`` (a code
    of ``core.bans``; ``other`` with ``ground_text``, ``legal_basis`` and ``scope`` in words),
    ``authority``, ``document_number``, ``decided_on``, ``start_on`` (default: the decision date),
    ``until`` or ``years``, optional ``scope_region`` (a region code), ``organization`` (a code) and
    ``post``. ``region``: the deciding authority's, whose profile fixes the lengths."""
    errors = FieldErrors()
    out: dict[str, Any] = {}
    try:
        out.update(clean_person({"name": data.get("name"), "id_number": data.get("id_number")}, today=day))
    except FieldErrors as exc:
        for field, messages in exc.errors.items():
            for m in messages:
                errors.add(field, m)
    code = str(data.get("ground") or "").strip()
    ground = rules.GROUNDS_BY_CODE.get(code)
    if ground is None:
        errors.add("ground", _("Choose one of the grounds: %(grounds)s.")
                   % {"grounds": "、".join(f"{g.title()}（{g.code}）" for g in rules.GROUNDS)})  # fmt: skip
    out["ground"] = code
    kind_raw = str(data.get("kind") or "").strip()
    if ground is not None and ground is not rules.OTHER:
        out["kind"] = ground.kind.value
    else:
        try:
            out["kind"] = BanKind.from_text(kind_raw).value
        except ValueError:
            errors.add(
                "kind", _("Choose the kind: 从业禁止 (employment_ban) or 任职限制 (post_restriction).")
            )
    other = ground is rules.OTHER
    out["ground_text"] = _text(errors, data, "ground_text", TEXT_MAX, required=other)
    out["legal_basis"] = _text(errors, data, "legal_basis", TEXT_MAX, required=other)
    out["scope"] = _text(errors, data, "scope", TEXT_MAX, required=other)
    out["authority"] = _text(errors, data, "authority", 100, required=True)
    out["document_number"] = _text(errors, data, "document_number", 100, required=True)
    decided_on = _date(errors, data, "decided_on", day)
    start_on = _date(errors, data, "start_on", day, future=True, required=False) or decided_on
    until = _date(errors, data, "until", day, future=True, required=False)
    years = _years(errors, data)
    out["decided_on"], out["start_on"] = decided_on, start_on
    scope_region = str(data.get("scope_region") or "").strip()
    out["scope_region"] = None
    if scope_region:
        out["scope_region"] = Region.objects.filter(code=scope_region).first()
        if out["scope_region"] is None:
            errors.add("scope_region", _("No region has the code %(code)s.") % {"code": scope_region})
    org_code = str(data.get("organization") or "").strip().upper()
    out["organization"] = None
    if org_code:
        out["organization"] = Organization.objects.filter(code=org_code).select_related("region").first()
        if out["organization"] is None:
            errors.add(
                "organization",
                _("No organization is registered under the code %(code)s.") % {"code": org_code},
            )
    post = str(data.get("post") or "").strip()
    out["post"] = ""
    if post:
        try:
            out["post"] = RoleKind.from_text(post).value
        except ValueError as exc:
            errors.add("post", str(exc))
    profile = profile_or_error(decided_on, region, errors) if decided_on else None
    if ground is not None and start_on is not None:
        if ground.enabled_key is not None and profile is not None and not profile.get(ground.enabled_key):
            errors.add("ground", _("The rules this authority applies do not provide for this ground."))
        out["until"] = _period(ground, start_on, until, years, profile, errors)
        if ground.basis_key is not None and profile is not None and not out["legal_basis"]:
            out["legal_basis"] = str(profile.get(ground.basis_key) or "")
        if not other:
            out["ground_text"] = out["ground_text"] or ground.title_zh
            out["legal_basis"] = out["legal_basis"] or ground.basis_zh
            out["scope"] = out["scope"] or ground.scope_zh
    out["policy_version"] = profile.version if profile is not None else ""
    errors.raise_if_any()
    return out
