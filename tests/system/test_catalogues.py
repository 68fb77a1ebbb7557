"""One English text, one Chinese translation, across every catalogue.

Django merges the catalogues: the project's (``LOCALE_PATHS``) wins over the apps', and an app earlier
in ``INSTALLED_APPS`` wins over a later one. A msgid translated one way in the lists app and another
way in the workdays app shows one app's word on the other's page (the records app's "信用信息事项"
for "Kind" once headed the imports page's kind column). Where one English word means different things,
the code gives it a context (``pgettext``, ``{% translate "Kind" context "record" %}``) and each
meaning has its own entry.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import polib
import pytest

import socredit

pytestmark = pytest.mark.vendor_neutral  # the message catalogues: no database (socredit/testing/vendor.py)

ROOT = Path(socredit.__file__).parent


def catalogues() -> list[Path]:
    return sorted(ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def conflicts(paths: list[Path], root: Path = ROOT) -> dict[tuple[str | None, str], dict[str, str]]:
    """Each (context, msgid) translated differently in two catalogues, with each catalogue's text."""
    seen: dict[tuple[str | None, str], dict[str, str]] = defaultdict(dict)
    for path in paths:
        for entry in polib.pofile(str(path)):
            text = entry.msgstr or " | ".join(v for _, v in sorted(entry.msgstr_plural.items()))
            if entry.obsolete or not text or "fuzzy" in entry.flags:
                continue
            seen[(entry.msgctxt, entry.msgid)][str(path.relative_to(root))] = text
    return {key: by_file for key, by_file in seen.items() if len(set(by_file.values())) > 1}


def test_every_catalogue_is_found():
    names = {p.relative_to(ROOT).parts[:2] for p in catalogues()}
    assert ("locale", "zh_Hans") in names and ("apps", "cases") in names and len(names) >= 8


def test_no_msgid_is_translated_two_ways():
    found = conflicts(catalogues())
    assert not found, "one msgid, two translations (give it a context or one translation):\n" + "\n".join(
        f"{ctx + ' | ' if ctx else ''}{msgid!r}: {by_file}"
        for (ctx, msgid), by_file in sorted(found.items(), key=lambda kv: (kv[0][0] or "", kv[0][1]))
    )


def test_a_conflict_is_found_and_contexts_keep_meanings_apart(tmp_path):
    """The checker itself: two catalogues that disagree are a finding; one msgid in two contexts is not."""

    def po(name: str, *entries: polib.POEntry) -> Path:
        catalogue = polib.POFile()
        catalogue.extend(entries)
        path = tmp_path / name / "django.po"
        path.parent.mkdir()
        catalogue.save(str(path))
        return path

    a = po("a", polib.POEntry(msgid="Kind", msgstr="类型"), polib.POEntry(msgid="Done", msgstr="已完成"))
    b = po(
        "b", polib.POEntry(msgid="Kind", msgstr="信用信息事项"), polib.POEntry(msgid="Done", msgstr="已完成")
    )
    c = po("c", polib.POEntry(msgctxt="record", msgid="Kind", msgstr="信用信息事项"))

    def check(paths: list[Path]) -> set[tuple[str | None, str]]:
        return set(conflicts(paths, tmp_path))

    assert check([a, b]) == {(None, "Kind")}
    assert check([a, c]) == set()


def test_a_catalogue_with_plurals_states_its_plural_forms():
    """Without ``Plural-Forms`` gettext takes English's two forms and a Chinese plural entry is never
    used (the inbox once counted down in English on a Chinese page)."""
    missing = [
        str(path.relative_to(ROOT)) for path in catalogues()
        if any(e.msgid_plural for e in polib.pofile(str(path)))
        and "nplurals=1" not in polib.pofile(str(path)).metadata.get("Plural-Forms", "")
    ]  # fmt: skip
    assert not missing, missing
