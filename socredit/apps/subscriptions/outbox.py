"""Change kinds this app documents for others to emit (the outbox itself is ``records.outbox``).

``ban.created`` — 新增人员从业禁止或任职限制: a ban on a person (从业禁止, 任职限制) came into the
register. The bans app calls ``ban_created`` inside the transaction that records the ban (as every
``outbox.emit``), so the event exists exactly when the ban does. Payload (besides
``organization``, the code of the organization the ban arose from, which is the event's subject):

    {"ban": <ban id>, "person": "<name>", "id_number": "<masked ID number>", "ground": "<ground code>",
     "decision": "<document number>", "from": "YYYY-MM-DD", "until": "YYYY-MM-DD" | null,
     "scope": "<what the person may not do>"}

A token reads it only with ``persons:read`` (``records.outbox.KIND_SCOPES``); the whole ID number is
never in the event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from socredit.apps.records import outbox
from socredit.apps.records.models import ChangeEvent
from socredit.apps.registry.models import Organization
from socredit.common.policy import masked_id_number

BAN_CREATED = "ban.created"


def ban_created(*, organization: Organization, ban_id: int, person_name: str, id_number: str, ground: str,
                decision: str, starts_on: dt.date, ends_on: dt.date | None, scope: str) -> ChangeEvent:  # fmt: skip
    """Emit ``ban.created`` in the caller's transaction (the one that records the ban)."""
    payload: dict[str, Any] = {
        "ban": ban_id,
        "person": person_name,
        "id_number": masked_id_number(id_number),
        "ground": ground,
        "decision": decision,
        "from": starts_on.isoformat(),
        "until": ends_on.isoformat() if ends_on else None,
        "scope": scope,
    }
    return outbox.emit(BAN_CREATED, organization, None, payload)
