"""The portal search's result rows, written in Python.

The search page is the portal's busiest, and its twenty rows were most of the template nodes a page
renders: about a third of the page's time went to them. Every value is escaped here (``escape``
below, the standard library's, without the lazy-string wrapper of Django's), so stored text stays
inert, as the template's autoescaping kept it.
"""

from __future__ import annotations

from html import escape as _escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


def escape(value: Any) -> str:
    """``value`` as HTML text: ``& < > " '`` replaced, as Django's autoescaping does."""
    return _escape(str(value), quote=True)


@register.simple_tag
def result_rows(rows: list[dict[str, Any]], profile_prefix: str) -> SafeString:
    """``<li>`` of each row of `public.public_search`: the name linked to the profile, the code, type,
    region, status, the credit level where published, and former names."""
    level = " · " + escape(gettext("Credit level")) + " "
    former = '<div class="small">' + escape(gettext("Former names")) + "："
    prefix = escape(profile_prefix)
    out = []
    for o in rows:
        code = escape(o["code"])
        out.append(
            f'<li class="portal-result"><a class="portal-result-name" href="{prefix}{code}/">{escape(o["name"])}</a>'
            f'<div class="muted small"><span class="mono">{code}</span> · {escape(o["type"])} · '
            f"{escape(o['region'])} · {escape(o['status'])}"
            f"{level + escape(o['credit_level']) if o['credit_level'] else ''}</div>"
            f"{former + '；'.join(escape(n) for n in o['former_names']) + '</div>' if o['former_names'] else ''}</li>"
        )
    return mark_safe("".join(out))  # noqa: S308 — every value above is escaped
