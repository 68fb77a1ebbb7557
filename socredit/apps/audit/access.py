"""Who may verify the audit chain: administrators (岗位 管理员) who may write, and superusers, as for the
other administration pages. The page shows counts, hashes and event ids, never an event's content."""

from __future__ import annotations

from typing import Any

ADMIN_ROLE = "admin"
"""accounts.StaffRole.ADMIN's value: the accounts app sits above this one, so it cannot be imported."""


def can_verify_chain(user: Any) -> bool:
    return bool(
        getattr(user, "is_superuser", False)
        or (getattr(user, "can_write", False) and getattr(user, "staff_role", "") == ADMIN_ROLE)
    )
