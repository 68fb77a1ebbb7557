"""Template tags of the page frame (``base.html``), loaded as the ``frame`` library.

``{% frame_url 'portal:search' %}`` is ``{% url %}`` for the frame's fixed links, reversed once per
process and prefix: the frame writes a dozen links on every page, and reversing them was about a
third of the public search page's frame (0.5 ms of its 1.6 ms).
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse

register = template.Library()


@lru_cache(maxsize=256)
def _reversed(name: str, args: tuple[str, ...], prefix: str) -> str:
    return reverse(name, args=list(args))


@register.simple_tag
def frame_url(name: str, *args: str) -> str:
    """The path of the URL named ``name`` (with string arguments), as ``{% url %}`` gives it."""
    return _reversed(name, tuple(str(a) for a in args), get_script_prefix())
