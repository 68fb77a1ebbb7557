"""Template helpers of the check pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` (None when absent): the stored answer is plain dictionaries."""
    return mapping.get(key) if hasattr(mapping, "get") else None
