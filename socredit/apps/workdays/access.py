"""Who may change the working-day calendar (工作日历)."""

from __future__ import annotations

from typing import Any

from socredit.common.access import is_administrator


def can_edit_calendar(user: Any) -> bool:
    """Administrators (岗位 管理员) who may write, and superusers, enter holiday schedules."""
    return is_administrator(user)
