"""Filters that name the rules in force the way staff read them (no profile version names)."""

from __future__ import annotations

from django import template

from socredit.core.policy_select import rules_description

register = template.Library()


@register.filter
def rules_in_force(versions: str) -> str:
    """``national-2026.1`` → ``全国规则（2026年4月1日起）`` (see ``core.policy_select.rules_description``)."""
    return rules_description(versions or "")
