"""Field rules of the warning forms, shared by the pages and the services (FieldErrors)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from socredit.common.errors import FieldErrors
from socredit.core.riskwarnings.rules import Level, ThresholdErrors, validate_thresholds
from socredit.core.values import parse_date

CORE_MESSAGES = (
    gettext_noop("Enter yes or no."), gettext_noop("Choose at least one."), gettext_noop("Not an option: %(items)s."),
    gettext_noop("Choose exactly one."), gettext_noop("A threshold must be a number."), gettext_noop("A threshold must be a whole number."),
    gettext_noop("Enter this threshold."),
    gettext_noop("Must be at least %(minimum)s."), gettext_noop("A ratio must be greater than 0."),
    gettext_noop("An amount cannot be negative."), gettext_noop("Unknown rule kind: %(kind)s."),
    gettext_noop("A rule of this kind takes no such threshold."),
    # the organization page's section (registry/organization_detail.html) names this app's page
    gettext_noop("Open the risk warnings"),
)  # fmt: skip
"""The messages of ``core.riskwarnings.rules.validate_thresholds`` (English msgids the core cannot
mark: it imports no Django), listed here so that the catalogue extraction finds them."""

NOTE_MAX = 2000
THRESHOLD_PREFIX = "threshold_"
"""Form fields of thresholds are ``threshold_<name>``; FieldErrors use the same names."""


def clean_note(note: Any, *, required: bool, field: str = "note") -> str:
    text = str(note or "").strip()
    if required and not text:
        raise FieldErrors({field: [_("Write a note: what was found and what was done.")]})
    if len(text) > NOTE_MAX:
        raise FieldErrors({field: [_("At most %(n)s characters.") % {"n": NOTE_MAX}]})
    return text


def threshold_errors(exc: ThresholdErrors) -> FieldErrors:
    """The core's threshold errors as FieldErrors on the form's fields, in the reader's language."""
    errors = FieldErrors()
    for name, (message, params) in exc.errors.items():
        errors.add(f"{THRESHOLD_PREFIX}{name}", _(message) % params if params else _(message))
    return errors


def _date(errors: FieldErrors, raw: Any, field: str, *, required: bool) -> dt.date | None:
    if raw in (None, ""):
        if required:
            errors.add(field, _("Enter the date."))
        return None
    if isinstance(raw, dt.date):
        return raw
    try:
        return parse_date(str(raw), allow_future=True)
    except ValueError:
        errors.add(field, _("Enter a date as YYYY-MM-DD."))
        return None


def clean_rule_edit(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """enabled, level, thresholds (typed per kind), handling_days, effective_from/until; FieldErrors
    naming each bad field."""
    errors = FieldErrors()
    clean: dict[str, Any] = {"enabled": bool(data.get("enabled"))}
    level = str(data.get("level") or "")
    if level not in {lv.value for lv in Level}:
        errors.add("level", _("Choose a level."))
    clean["level"] = level
    raw = data.get("thresholds") or {}
    try:
        clean["thresholds"] = validate_thresholds(kind, raw)
    except ThresholdErrors as exc:
        errors.errors.update(threshold_errors(exc).errors)
    days = data.get("handling_days")
    try:
        clean["handling_days"] = int(str(days).strip())
        if not 1 <= clean["handling_days"] <= 250:
            raise ValueError
    except (TypeError, ValueError):
        errors.add("handling_days", _("Enter a whole number of working days from 1 to 250."))
    clean["effective_from"] = _date(errors, data.get("effective_from"), "effective_from", required=True)
    clean["effective_until"] = _date(errors, data.get("effective_until"), "effective_until", required=False)
    if (
        clean["effective_from"]
        and clean["effective_until"]
        and clean["effective_until"] < clean["effective_from"]
    ):
        errors.add("effective_until", _("The end cannot come before the start."))
    errors.raise_if_any()
    return clean
