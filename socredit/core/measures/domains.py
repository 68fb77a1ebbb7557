"""Domain blacklists (领域黑名单): the dishonesty lists other departments keep and push.

A department pushes its own domain's list: its domain is its department kind (``DepartmentKind``),
and each domain's list has the name the law gives it. The civil-affairs domain's blacklist is the
严重违法失信名单 itself, which the platform keeps (``CIVIL_AFFAIRS_DOMAIN``); it counts as one domain
towards the "two or more domains" escalation of seed 004 §六(六).
"""

from __future__ import annotations

from typing import Final

from socredit.core.measures.evaluate import CIVIL_AFFAIRS_DOMAIN

DOMAIN_LISTS: Final = {
    "court": ("失信被执行人名单", "List of dishonest judgment debtors"),
    "tax": ("重大税收违法失信主体名单", "List of subjects of major tax violations"),
    "market": ("严重违法失信名单（市场监管）", "Market regulation list of serious violations"),
    "finance": ("政府采购严重违法失信行为记录名单", "Government procurement list of serious dishonesty"),
    "public_security": ("公安领域失信名单", "Public security dishonesty list"),
    "development_reform": ("失信联合惩戒对象名单", "List of subjects of joint punishment"),
    "other": ("其他领域黑名单", "Other domain blacklist"),
    CIVIL_AFFAIRS_DOMAIN: ("严重违法失信名单", "List of seriously illegal and dishonest organizations"),
}
"""Domain (department kind) → the name of its blacklist, Chinese and English."""

PUSHED_DOMAINS: Final = tuple(d for d in DOMAIN_LISTS if d != CIVIL_AFFAIRS_DOMAIN)
"""Domains whose lists arrive from outside (civil affairs keeps its own as the serious list)."""


def domain_list_name(domain: str, language: str = "zh-hans") -> str:
    zh, en = DOMAIN_LISTS.get(domain, (domain, domain))
    return en if language.startswith("en") else zh
