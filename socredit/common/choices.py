"""Bridges the core's labelled enums to Django fields, forms and templates.

The core enums carry their Chinese and English labels; Django's choices are built lazily so that
the label follows the active language of each request.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import lazy
from django.utils.translation import get_language

from socredit.core.types import Labelled


def label_of(member: Labelled | None) -> str:
    if member is None:
        return ""
    return member.label(get_language())


_lazy_label = lazy(label_of, str)


def enum_choices(enum_cls: type[Labelled]) -> list[tuple[Any, Any]]:
    """Choices for a model or form field: (stored code, label in the active language)."""
    return [(m.value, _lazy_label(m)) for m in enum_cls]


def label_for(enum_cls: type[Labelled], code: Any) -> str:
    """The label of a stored code, or the code itself if the enum no longer knows it."""
    try:
        return label_of(enum_cls(code))
    except ValueError:
        return str(code)
