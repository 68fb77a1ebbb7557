"""名称/代码检索 — the pure rules of organization search, shared by the database paths and the plain scan
that checks them.

What matches: a query (whitespace trimmed and collapsed) matches an organization when it occurs in
the name or in a former name (曾用名), or is a prefix of the 统一社会信用代码; a query of three or
more characters also matches anywhere inside the code. Latin letters match regardless of case
(ASCII folding, the same in SQLite's ``upper()`` and here); everything else, punctuation included,
is plain text: a query is never a pattern and never full-text syntax.

Relevance: exact code, exact name, name or code prefix, then any other match; ties by name, then id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

MAX_QUERY = 200
"""Longer than any name (200 characters): such a query cannot match and is answered with no rows."""
SHORT_QUERY = 3
"""Below this many characters a trigram index cannot answer: such queries use the 1–2-character grams."""

CODE_HEAD = 8
"""A code's head: registration authority, type and region (a few thousand distinct in the country);
the rest, its tail, is the 9-character organization code and the check digit."""
CODE_END = "~"
"""Sorts after every code character in code-point order: ``code >= q AND code < q + CODE_END``."""

_SPACE = re.compile(r"\s+")
_CODE_TEXT = re.compile(r"[0-9A-Z]+")
_ASCII_LOWER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def normalise(query: str | None) -> str:
    """The query as searched: outer whitespace dropped, inner runs of whitespace (full-width too)
    one space. Nothing else changes: punctuation and full-width characters are searched as typed."""
    return _SPACE.sub(" ", query or "").strip()


def fold(text: str) -> str:
    """Case folding for matching: ASCII letters upper-cased, nothing else (as SQLite's ``upper()``)."""
    return text.translate(_ASCII_LOWER)


def fts_literal(text: str) -> str:
    """``text`` as one FTS5 string literal: quoted, embedded quotes doubled, so that ``*``, ``NEAR``,
    ``OR``, ``-``, ``:`` and parentheses are characters to find, never query syntax."""
    return '"' + text.replace('"', '""') + '"'


def like_literal(text: str, escape: str = "\\") -> str:
    """``text`` for a LIKE pattern with ``escape``: ``%`` and ``_`` are plain characters."""
    return text.replace(escape, escape * 2).replace("%", escape + "%").replace("_", escape + "_")


def is_code_text(text: str) -> bool:
    """True when ``text`` (folded) could be part of a 统一社会信用代码: digits and capitals only.
    Any other query cannot match a validated code, and the code indexes are not asked."""
    return _CODE_TEXT.fullmatch(text) is not None


@dataclass(frozen=True)
class CodeKeys:
    """What the code tables hold for one code: the suffixes of its head (with the head) and the
    suffixes of its tail of at least `SHORT_QUERY` characters."""

    head: str
    head_suffixes: tuple[str, ...]
    tail_suffixes: tuple[str, ...]


def code_keys(code: str) -> CodeKeys:
    """The rows of registry_code_head / registry_code_tail for ``code`` (as the triggers write them)."""
    head = code[:CODE_HEAD]
    tails = tuple(code[i:] for i in range(CODE_HEAD, len(code) - SHORT_QUERY + 1))
    return CodeKeys(head, tuple(head[i:] for i in range(len(head))), tails)


@dataclass(frozen=True)
class CodeParts:
    """How a query of 3+ code characters is found inside codes (besides a tail suffix that begins
    with it and a head suffix that begins with it): ``crossing`` pairs (start, rest), a head suffix
    equal to ``start`` followed in the code by ``rest``."""

    crossing: tuple[tuple[str, str], ...]


def code_parts(query: str) -> CodeParts:
    """Where ``query`` (folded code text) may lie in a code: starting in the head and running into the
    tail, the head ending with its first k characters (k = 1…7; k = 8 is a code prefix)."""
    return CodeParts(tuple((query[:k], query[k:]) for k in range(1, min(CODE_HEAD, len(query)))))


def code_lookup(codes: Iterable[str], query: str) -> set[str]:
    """The codes the code tables offer for ``query`` (folded, 3+ code characters), computed the way
    the database asks them (prefix, tail suffix, head suffix, crossing): equal to the codes that
    hold ``query``, which `tests` check; the reference for registry/search.py's statements."""
    codes = list(codes)
    keys = {c: code_keys(c) for c in codes}
    found = {c for c in codes if c.startswith(query)}
    found |= {c for c in codes if any(t.startswith(query) for t in keys[c].tail_suffixes)}
    heads = {k.head for k in keys.values() if any(s.startswith(query) for s in k.head_suffixes)}
    found |= {c for c in codes if keys[c].head in heads}
    for start, rest in code_parts(query).crossing:
        for c in codes:
            if start in keys[c].head_suffixes and c.startswith(keys[c].head + rest):
                found.add(c)
    return found


def grams(text: str) -> set[str]:
    """The distinct 1- and 2-character substrings of ``text`` (folded): what the short-query index
    stores per organization, one row each."""
    folded = fold(text)
    return {folded[i : i + n] for n in (1, 2) for i in range(len(folded) - n + 1)}


@dataclass(frozen=True)
class Searchable:
    """What search reads of one organization: id, code, name and former names (one per line)."""

    id: int
    code: str
    name: str
    former_names: str = ""


def matches(org: Searchable, query: str) -> bool:
    """The reference rule (see the module docstring); ``query`` already normalised and non-empty."""
    q = fold(query)
    code = fold(org.code)
    return (
        q in fold(org.name)
        or q in fold(org.former_names)
        or code.startswith(q)
        or (len(q) >= SHORT_QUERY and q in code)
    )


def relevance(org: Searchable, query: str) -> int:
    """0 exact code, 1 exact name, 2 name or code prefix, 3 any other match (lower comes first)."""
    q = fold(query)
    if fold(org.code) == q:
        return 0
    if fold(org.name) == q:
        return 1
    if fold(org.name).startswith(q) or fold(org.code).startswith(q):
        return 2
    return 3


def plain_scan(orgs: Iterable[Searchable], query: str) -> list[int]:
    """Ids of the organizations matching ``query`` in relevance order, by reading every one: the
    definition the indexed search is checked against. An empty query matches every organization."""
    q = normalise(query)
    if not q:  # no query: no narrowing
        return [o.id for o in sorted(orgs, key=lambda o: (o.name, o.id))]
    if len(q) > MAX_QUERY:
        return []
    hits = [o for o in orgs if matches(o, q)]
    hits.sort(key=lambda o: (relevance(o, q), o.name, o.id))
    return [o.id for o in hits]
