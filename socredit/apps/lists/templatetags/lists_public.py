"""Filters for what staff read: the rules in force without profile version names."""

from __future__ import annotations

from django import template
from django.utils import translation
from django.utils.translation import gettext

from socredit.core.policy_select import rules_applied, rules_description

register = template.Library()


@register.filter
def rules_in_force(versions: str) -> str:
    """``national-2026.1`` → ``全国规则（2026年4月1日起）``, in English ``全国 rules (from 2026-04-01)``
    (the locality as the profile's title names it; ``core.policy_select.rules_applied``)."""
    if not (translation.get_language() or "").startswith("en"):
        return rules_description(versions or "")
    texts = [
        gettext("%(place)s rules (from %(day)s)") % {"place": place, "day": day.isoformat()}
        if day
        else gettext("rules no longer in use")
        for place, day in rules_applied(versions or "")
    ]
    return "; ".join(texts) or "—"
