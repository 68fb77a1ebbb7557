"""A case's timeline (``CaseEvent``) in the reader's language.

The services store what the product did as a key (``EVENTS``) with its facts (``CaseEvent.params``)
and keep in ``CaseEvent.text`` only what a person wrote with it (a reason, a note). A fact that has
words stores them in both languages: ``name`` in Chinese and ``name_en`` in English (``both``); a list
is joined the way the language joins words. The sentences are English msgids translated in the cases
catalogue to the Chinese the timeline has always read. A line without a key (a note someone wrote, a
line of a kind this table no longer knows) is shown as written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

EVENTS: dict[str, Promise] = {
    "document": _("Made the document “%(title)s” (%(number)s)"),
    "evidence": _("Evidence uploaded: %(files)s"),
    "assign": pgettext_lazy("case timeline", "Assigned to %(handler)s"),
    "unassign": _("Assignment taken back"),
    "escalate_step": _(
        "“%(step)s” is overdue (due by %(due)s); referred to the registration authority of %(region)s for "
        "supervision"
    ),
    "escalate_total": _(
        "The overall time limit has passed (answer due by %(due)s); referred for supervision"
    ),
    "recompute": _(
        "The holiday schedule is entered; the deadlines are recomputed from the official schedule"
    ),
    "recompute_provisional": _(
        "The deadlines are recomputed (a year's holiday schedule is still not entered: counted on weekends)"
    ),
    "complaint_received": _("Complaint received (%(channel)s)"),
    "complaint_accepted": _("Accepted after review; passed on to investigation"),
    "complaint_linked": _("Linked to the organization complained of: %(name)s (%(code)s)"),
    "complaint_concluded": _("%(outcome)s"),
    "complaint_concluded_record": _("%(outcome)s; entered in the credit records (%(record)s)"),
    "repair_applied": _("Credit repair application received: %(kind)s (%(reference)s, %(class)s dishonesty)"),
    "repair_commitment_missing": _(
        "The applicant has not yet signed the credit repair commitment; it must be signed before the repair is "
        "decided"
    ),
    "repair_accepted": _(
        "%(on)s accepted; on verification, the applicant has performed the obligations and corrected the conduct"
    ),
    "repair_not_accepted": _("%(on)s not accepted: %(text)s"),
    "repair_granted": _("%(on)s decided to repair the record: %(text)s"),
    "repair_refused": _("%(on)s decided not to repair the record: %(text)s"),
    "objection_received": _("Objection received (%(channel)s): %(what)s"),
    "objection_marked_suspended": _(
        "The information is marked “under objection”; while the objection is handled, the listing is not published"
    ),
    "objection_marked": _(
        "The information is marked “under objection”; while the objection is handled, it stays in force and "
        "published"
    ),
    "objection_forwarded": _(
        "Forwarded for verification to the departments that supplied it: %(departments)s"
    ),
    "objection_verified": _("%(department)s answered the verification: %(result)s"),
    "objection_decided": _("Decision: %(outcome)s. Reason: %(text)s"),
    "objection_notified": _("The applicant is notified of the result in writing"),
    "objection_withdrawn": _("The applicant withdrew the objection: %(text)s"),
}
"""Each event key → its sentence, with the event's params (and ``text``) as placeholders."""

_SUFFIXES: dict[str, tuple[tuple[str, Promise], ...]] = {
    "assign": (("before", _(" (previously handled by %(before)s)")), ("text", _(". Reason: %(text)s"))),
    "unassign": (("before", _(" (previously handled by %(before)s)")), ("text", _(". Reason: %(text)s"))),
    "complaint_linked": (("before", _(", previously %(before)s")),),
    "repair_accepted": (("text", _(" (%(text)s)")),),
    "objection_verified": (("late", _(" (past the verification deadline)")),),
    "objection_notified": (("late", _(" (past the overall time limit)")),),
}
"""What a key adds when a param (or the written text) is present: a previous handler, a reason, lateness."""


def both(words: Callable[[], Any]) -> tuple[str, str]:
    """``words()`` in Chinese and in English (a label, a lazy text): the two forms an event stores."""
    with translation.override("zh-hans"):
        zh = str(words())
    with translation.override("en"):
        en = str(words())
    return zh, en


def bilingual(name: str, words: Callable[[], Any]) -> dict[str, str]:
    """``{name: Chinese, name_en: English}`` for an event's params."""
    zh, en = both(words)
    return {name: zh, f"{name}_en": en}


def _joined(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return pgettext("list separator", ", ").join(str(v) for v in value)
    return value


def localized(params: Mapping[str, Any]) -> dict[str, Any]:
    """The params in the active language: ``name_en`` for ``name`` in English, lists joined."""
    english = (translation.get_language() or "").startswith("en")
    out: dict[str, Any] = {}
    for name, value in params.items():
        if name.endswith("_en"):
            continue
        if english and f"{name}_en" in params:
            value = params[f"{name}_en"]
        out[name] = _joined(value)
    return out


def event_text(key: str, params: Mapping[str, Any], text: str) -> str:
    """One timeline line in the active language (``text`` as written where ``key`` is unknown)."""
    sentence = EVENTS.get(key)
    if sentence is None:
        return text
    values = {**localized(params), "text": text}
    try:
        line = str(sentence) % values
        for name, suffix in _SUFFIXES.get(key, ()):
            if values.get(name):
                line += str(suffix) % values
    except (KeyError, TypeError, ValueError):  # params that do not fit the sentence: what was written
        return text
    return line
