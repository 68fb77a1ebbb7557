"""Who may do what with the working-day calendar: every signed-in staff account reads it (it is
reference data, not scoped by region); administrators enter a year's schedule."""

from __future__ import annotations

from typing import Any

ADMIN_ROLE = "admin"
"""accounts.StaffRole.ADMIN's value: the accounts app sits above this one, so it cannot be imported."""


def can_edit_calendar(user: Any) -> bool:
    """Administrators (岗位 管理员) who may write, and superusers, enter holiday schedules."""
    return bool(
        getattr(user, "is_superuser", False)
        or (getattr(user, "can_write", False) and getattr(user, "staff_role", "") == ADMIN_ROLE)
    )
