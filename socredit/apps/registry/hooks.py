"""What the apps above the registry add to registration: person screening, the checks before a
deregistration and what a deregistration or revocation sets off (``after_status_change``).

The person screening (失信惩戒落实到人) lives in the lists app and the open cases in the cases app,
both above this one in the floors, so the registry keeps a registry of providers, as the evaluation
does for list memberships: each app registers its functions in its AppConfig.ready(). With none
registered, nobody is flagged and nothing stands in a deregistration's way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Finding:
    """One thing the registrar must see: a sentence in the active language (no internal codes);
    ``blocking``: the act is refused while it stands (otherwise it may go ahead once confirmed)."""

    text: str
    blocking: bool = False


PersonScreener = Callable[[str, Any, dt.date], list[Finding]]
"""(ID number, principal, day) → what is on record against the person, within the principal's scope."""
StatusCheck = Callable[[Any, str, dt.date], list[Finding]]
"""(organization, act ("deregister" / "revoke"), day) → what stands in the way of the act."""
StatusEffect = Callable[..., Any]
"""(organization, act, effective_on, document_number, document_date, actor, channel) → what the act
sets off above the registry (the bans a revocation brings on its responsible persons), written in the
act's own transaction."""

_screeners: dict[str, PersonScreener] = {}
_status_checks: dict[str, StatusCheck] = {}
_status_effects: dict[str, StatusEffect] = {}


def register_person_screener(name: str, screener: PersonScreener) -> None:
    _screeners[name] = screener


def register_status_check(name: str, check: StatusCheck) -> None:
    _status_checks[name] = check


def register_status_effect(name: str, effect: StatusEffect) -> None:
    _status_effects[name] = effect


def screen_person(id_number: str, principal: Any, day: dt.date) -> list[Finding]:
    """Every registered screener's findings for one ID number (none for an unknown number)."""
    return [f for screener in _screeners.values() for f in screener(id_number, principal, day)]


def status_findings(organization: Any, act: str, day: dt.date) -> list[Finding]:
    """What every registered check finds before ``organization`` is deregistered or revoked."""
    return [f for check in _status_checks.values() for f in check(organization, act, day)]


def after_status_change(organization: Any, act: str, effective_on: dt.date, document_number: str,
                        document_date: dt.date | None, actor: Any, channel: str) -> None:  # fmt: skip
    """Tell every registered app that ``organization`` was deregistered or revoked (inside the act's
    transaction, so that what they write stands or falls with it)."""
    for effect in _status_effects.values():
        effect(organization, act, effective_on, document_number, document_date, actor, channel)
