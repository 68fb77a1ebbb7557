"""评级变动原因 — a level change's cause as its reader reads it.

A cause is stored as the Chinese sentence written when the level changed (by records, lists, imports
and evaluation runs: ``LevelChange.trigger``), and is also what the departments' API returns. Staff
and the organization read it on the credit panel and in /my/: in Chinese as stored, less any item code
an older sentence carried; in English each known shape is said again in English, with its data
(dates, document numbers, file names, record kinds in their English names) kept. A shape not known
here is shown as stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils import translation
from django.utils.translation import gettext as _

from socredit.apps.records.models import RecordKind
from socredit.core.citations import public_text

_LISTS = "活动异常名录|严重违法失信名单|守信红名单"


def _list(title: str) -> str:
    return {
        "活动异常名录": _("list of organizations with abnormal activities"),
        "严重违法失信名单": _("list of seriously illegal and dishonest organizations"),
        "守信红名单": _("red list of trustworthy organizations"),
    }.get(title, title)


def _kind_names() -> tuple[tuple[str, str], ...]:
    # read only when an English cause names a record (a small reference table); longest first, so
    # that a kind whose name begins another's is not taken for it
    pairs = RecordKind.objects.exclude(name_en="").values_list("name_zh", "name_en")
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def _record(label: str) -> str:
    """``行政处罚：罚款 郑民罚〔2024〕6号`` → ``Administrative penalty: fine 郑民罚〔2024〕6号``."""
    for zh, en in _kind_names():
        if label.startswith(zh):
            return en + label[len(zh) :]
    return label


_Say = Callable[[dict[str, str]], str]

_SHAPES: tuple[tuple[re.Pattern[str], _Say], ...] = tuple(
    (re.compile(pattern), say)
    for pattern, say in (
        (r"^批量评价（(?P<day>[^（）]*)）$", lambda m: _("Batch evaluation (%(day)s)") % m),
        (r"^批量导入（(?P<file>.*)）$", lambda m: _("Batch import (%(file)s)") % m),
        (r"^批量写入 (?P<n>\d+) 条记录$", lambda m: _("%(n)s records written") % m),
        (r"^新增记录：(?P<record>.+)$", lambda m: _("New record: %(record)s") % {"record": _record(m["record"])}),
        (r"^更正记录（(?P<record>.+?)）：(?P<reason>.*)$",
         lambda m: _("Record corrected (%(record)s): %(reason)s") % {**m, "record": _record(m["record"])}),
        (r"^撤销记录（(?P<record>.+?)）：(?P<reason>.*)$",
         lambda m: _("Record revoked (%(record)s): %(reason)s") % {**m, "record": _record(m["record"])}),
        (r"^信用修复（(?P<case>[^（）]+)）：(?P<record>.+)$",
         lambda m: _("Credit repair (%(case)s): %(record)s") % {**m, "record": _record(m["record"])}),
        (r"^名录日常运行（(?P<day>[^（）]*)）$", lambda m: _("Daily run of the lists (%(day)s)") % m),
        (r"^公示期届满，自(?P<day>.+?)起自动停止公示$",
         lambda m: _("Publicity period over: no longer published from %(day)s") % m),
        (r"^转入严重违法失信名单（(?P<doc>[^（）]*)）$",
         lambda m: _("Moved to the list of seriously illegal and dishonest organizations (%(doc)s)") % m),
        (rf"^移出(?P<list>{_LISTS})（(?P<doc>[^（）]*)）$",
         lambda m: _("Removed from the %(list)s (%(doc)s)") % {**m, "list": _list(m["list"])}),
        (rf"^列入(?P<list>{_LISTS})的时限自(?P<day>.+?)起重新计算（(?P<doc>[^（）]*)）$",
         lambda m: _("The period on the %(list)s runs again from %(day)s (%(doc)s)") % {**m, "list": _list(m["list"])}),
        (rf"^你单位列入(?P<list>{_LISTS})期间又出现应当列入情形，列入(?:{_LISTS})的时限不重新计算（(?P<doc>[^（）]*)）$",
         lambda m: _("A new ground for listing while on the %(list)s; the period does not run again (%(doc)s)")
         % {**m, "list": _list(m["list"])}),
        (rf"^列入(?P<list>{_LISTS})（(?P<doc>[^（）]*)）$",
         lambda m: _("Placed on the %(list)s (%(doc)s)") % {**m, "list": _list(m["list"])}),
        (rf"^异议(?P<case>\S+?)成立，撤销列入(?P<list>{_LISTS})$",
         lambda m: _("Objection %(case)s upheld: the listing on the %(list)s withdrawn") % {**m, "list": _list(m["list"])}),
    )
)  # fmt: skip


def cause_in_words(stored: str) -> str:
    """The cause of a level change in the active language (see the module docstring)."""
    text = public_text(stored or "")
    if not text or not (translation.get_language() or "").startswith("en"):
        return text
    for pattern, say in _SHAPES:
        m = pattern.match(text)
        if m:
            return say(m.groupdict())
    return text
