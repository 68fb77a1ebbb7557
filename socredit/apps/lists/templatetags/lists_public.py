"""Filters for what staff read: the rules in force without profile version names, engine texts
without rules.md items."""

from __future__ import annotations

from django import template

from socredit.core.citations import public_text
from socredit.core.policy_select import rules_description

register = template.Library()


@register.filter
def rules_in_force(versions: str) -> str:
    """``national-2026.1`` → ``全国规则（2026年4月1日起）`` (see ``core.policy_select.rules_description``)."""
    return rules_description(versions or "")


@register.filter
def public(text: str) -> str:
    """An engine's reason or note without the rules.md items it names for the log (``…列入时限重新计算
    （R1.9）`` → ``…列入时限重新计算``): ``core.citations.public_text``."""
    return public_text(text or "")
