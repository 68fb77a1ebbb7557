"""The legal parameters of the list rules (名录参数), read from a policy profile.

Every number the list rules use is a profile value (rules.md "How to turn it into code"): the list
engine never holds a literal threshold, window or deadline. ``ListParameters`` is the typed view of
the ``lists.*`` keys; ``KEYS`` maps each field to its profile key so that a decision can cite
``profile.parameter(key)`` (value, rules.md item, tag, note, source version).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar, Protocol


class ValueSource(Protocol):
    """Anything with ``value(key)``: the policy profile, or a dict-backed stub in tests."""

    def value(self, key: str) -> Any: ...


@dataclass(frozen=True)
class ListParameters:
    """Parameters of 活动异常名录 (R1.6–R1.11), 严重违法失信名单 (R1.12–R1.14), prior notice (R1.5,
    R1.7) and the red list (R1.16, R5.5). Defaults are the national profile's values."""

    auto_removal_months: int = 6
    """R1.10(b): an entry whose ground involves no obligation is removed after this many months."""
    abnormal_removal_working_days: int = 5
    """R1.10(a): removal on application within this many working days from verification."""
    transfer_years: int = 2
    """R1.11 / R1.12(1): full years on the abnormal list before transfer to the serious list."""
    mail_interval_min_days: int = 15
    """R1.7: least days between the two special letters."""
    mail_interval_max_days: int = 30
    """R1.7: most days between the two special letters."""
    mail_letters: int = 2
    """R1.7: consecutive unsigned special letters that establish the address unreachable."""
    abnormal_restart_on_new_event: bool = True
    """R1.9: a new ground while on the abnormal list restarts the listing period."""
    fundraising_idle_months: int = 6
    """R1.6(4): months without public fundraising."""
    fine_threshold_yuan: float = 50_000.0
    """R1.6(5) / R1.12(4): a fine of at least this amount is serious; below it, abnormal."""
    repeat_window_years: int = 3
    """R1.12(5): rolling window for repeated warnings / small fines."""
    repeat_count: int = 2
    """R1.12(5): this many warnings / small fines within the window list the organization."""
    serious_removal_min_years: int = 2
    """R1.14(a): full years on the serious list before removal on application."""
    serious_removal_working_days: int = 5
    """R1.14: removal on application within this many working days from verification."""
    serious_restart_on_new_event: bool = True
    """R1.13: a new ground while on the serious list restarts the listing period."""
    notice_required: bool = True
    """R1.5: written prior notice before any listing."""
    red_min_level: str = "A"
    """Red list: the lowest credit level admitted."""
    red_clean_years: int = 3
    """Red list: years without a negative record or a listing."""
    red_min_grade: str = "grade_4a"
    """Red list: the lowest evaluation grade admitted (a record-kind code)."""
    red_require_commitment: bool = True
    """Red list: a signed, unbroken credit commitment is required."""

    def restarts_clock(self, lst: str) -> bool:
        """R1.9 / R1.13: whether a new ground while on ``lst`` restarts that list's listing period."""
        return self.serious_restart_on_new_event if lst == "serious" else self.abnormal_restart_on_new_event

    KEYS: ClassVar[dict[str, str]] = {
        "auto_removal_months": "lists.abnormal.auto_removal_months",
        "abnormal_removal_working_days": "lists.abnormal.removal_working_days",
        "transfer_years": "lists.abnormal.transfer_years",
        "mail_interval_min_days": "lists.abnormal.mail_interval_min_days",
        "mail_interval_max_days": "lists.abnormal.mail_interval_max_days",
        "mail_letters": "lists.abnormal.mail_letters",
        "abnormal_restart_on_new_event": "lists.abnormal.restart_on_new_event",
        "fundraising_idle_months": "lists.abnormal.fundraising_idle_months",
        "fine_threshold_yuan": "lists.serious.fine_threshold_yuan",
        "repeat_window_years": "lists.serious.repeat_window_years",
        "repeat_count": "lists.serious.repeat_count",
        "serious_removal_min_years": "lists.serious.removal_min_years",
        "serious_removal_working_days": "lists.serious.removal_working_days",
        "serious_restart_on_new_event": "lists.serious.restart_on_new_event",
        "notice_required": "lists.notice.required",
        "red_min_level": "lists.red.min_level",
        "red_clean_years": "lists.red.clean_years",
        "red_min_grade": "lists.red.min_grade",
        "red_require_commitment": "lists.red.require_commitment",
    }
    """Field → policy-profile key (cite with ``profile.parameter(ListParameters.key("…"))``)."""

    @classmethod
    def key(cls, field_name: str) -> str:
        """The profile key of a field; KeyError for an unknown field."""
        return cls.KEYS[field_name]

    @classmethod
    def from_profile(cls, profile: ValueSource) -> ListParameters:
        """Read every field from ``profile.value(key)``, converted to the field's type."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = profile.value(cls.KEYS[f.name])
            default = f.default
            if isinstance(default, bool):
                if not isinstance(raw, bool):
                    raise ValueError(f"{cls.KEYS[f.name]} 应为布尔值，实为 {raw!r}")
                values[f.name] = raw
            elif isinstance(default, int):
                values[f.name] = int(raw)
            elif isinstance(default, float):
                values[f.name] = float(raw)
            else:
                values[f.name] = str(raw)
        return cls(**values)
