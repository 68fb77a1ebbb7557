"""按名称排序 — the pinyin sort key of an organization's name.

A Chinese reader expects names in the order of their pinyin (安阳… before 郑州…), not in the order
of the characters' code points. The key is the name's pinyin as pypinyin gives it by default
(``lazy_pinyin``, style NORMAL: no tone marks; its phrase dictionary chooses the reading of a
polyphonic character in context, e.g. 重庆 → chong qing, 银行 → yin hang, and a character alone
takes its most common reading), lower-cased, one syllable per space-separated word, so that
"xi an" (西安) sorts before "xian" (先…). Text that is not Chinese (digits, Latin letters,
punctuation) is kept as it is, lower-cased. Keys are cut at ``SORT_KEY_LENGTH`` characters: two
names that agree that far are ordered by the name itself, then by id.
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

SORT_KEY_LENGTH = 255
"""The stored key's length: ~40 Chinese characters of a name, more than enough to tell names apart."""


def name_sort_key(name: str) -> str:
    """The pinyin sort key of ``name``: "郑州市金水区志愿者协会" → "zheng zhou shi jin shui qu zhi yuan zhe xie hui"."""
    words = (w.strip().lower() for w in lazy_pinyin(name.strip(), style=Style.NORMAL))
    return " ".join(w for w in words if w)[:SORT_KEY_LENGTH]
