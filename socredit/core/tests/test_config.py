"""Versioned configuration documents: the [meta] checks, extends, the library, and error lines."""

import datetime as dt
import textwrap

import pytest

from socredit.core.config import ConfigError, Library, Locator, parse_document

KIND = "policy-profile"


def doc_text(version: str, effective: str = "2026-01-01", *, body: str = "", **meta: str) -> str:
    """A policy-profile document; ``meta`` adds raw TOML values to the [meta] table."""
    extra = "".join(f"{key} = {value}\n" for key, value in meta.items())
    return (
        "[meta]\n"
        f'kind = "{KIND}"\n'
        f'version = "{version}"\n'
        'title = "测试配置"\n'
        f"effective_from = {effective}\n"
        f"{extra}"
        f"{body}"
    )


def line_of(text: str, needle: str) -> int:
    """The 1-based number of the only line of ``text`` that contains ``needle``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def new_library() -> Library[dict]:
    return Library(KIND, lambda doc: dict(doc.data))


# --- parse_document: [meta] --------------------------------------------------------------------


def test_a_valid_document_parses_its_meta():
    text = doc_text("national-2026.1", description='"  全国  "', body="[fines]\nlimit = 5\n")
    doc = parse_document(text, source="x.toml", kind=KIND)
    assert doc.meta.kind == KIND
    assert doc.meta.version == "national-2026.1"
    assert doc.meta.title == "测试配置"
    assert doc.meta.effective_from == dt.date(2026, 1, 1)
    assert doc.meta.description == "全国"
    assert doc.meta.extends is None
    assert doc.data["fines"] == {"limit": 5}
    assert doc.text == text
    assert doc.source == "x.toml"


def test_missing_meta_is_refused():
    with pytest.raises(ConfigError, match=r"\[meta\]"):
        parse_document("[fines]\nlimit = 5\n", source="x.toml", kind=KIND)


@pytest.mark.parametrize(
    ("text", "needle", "message"),
    [
        (doc_text("v1", colour='"red"'), "colour", "未知的键"),
        (doc_text("v1").replace(KIND, "indicator-model"), "kind =", "文件类型"),
        (doc_text("v 1"), "version =", "version"),
        (doc_text("../etc"), "version =", "version"),
        (doc_text("v1").replace('"测试配置"', '"   "'), "title =", "title"),
        (doc_text("v1", effective='"2026-01-01"'), "effective_from", "日期"),
        (doc_text("v1", effective="2026-01-01T08:00:00"), "effective_from", "日期"),
        (doc_text("v1", extends="3"), "extends", "extends"),
        (doc_text("v1", extends='"base"'), "extends", "无法解析"),
    ],
)
def test_bad_meta_is_refused_at_its_line(text, needle, message):
    with pytest.raises(ConfigError) as info:
        parse_document(text, source="x.toml", kind=KIND)
    assert message in info.value.message
    assert info.value.line == line_of(text, needle)
    assert str(info.value).startswith(f"x.toml:{info.value.line}: ")


def test_wrong_document_kind_is_refused():
    with pytest.raises(ValueError, match="unknown document kind"):
        Library("profile", dict)


def test_toml_syntax_error_reports_its_line():
    text = doc_text("v1", body='[fines]\nlimit = 5\nname = "unterminated\n')
    with pytest.raises(ConfigError) as info:
        parse_document(text, source="x.toml", kind=KIND)
    assert "TOML" in info.value.message
    assert info.value.line == line_of(text, "unterminated")


def test_duplicate_key_is_a_syntax_error_at_the_second_key():
    text = doc_text("v1", body="[fines]\nlimit = 5\nlimit = 6\n")
    with pytest.raises(ConfigError) as info:
        parse_document(text, source="x.toml", kind=KIND)
    assert info.value.line == line_of(text, "limit = 6")


# --- extends ------------------------------------------------------------------------------------

BASE_BODY = textwrap.dedent(
    """\
    [fines]
    limit = 5
    rate = 0.5
    kinds = ["a", "b"]

    [fines.nested]
    x = 1
    y = 2

    [publicity]
    months = 12
    """
)

LOCAL_BODY = textwrap.dedent(
    """\
    [fines]
    rate = 0.8
    kinds = ["c"]

    [fines.nested]
    y = 20

    [local]
    only = true
    """
)


def test_extends_overrides_only_the_keys_it_states():
    library = new_library()
    library.add_text(doc_text("national-2026.1", body=BASE_BODY), source="national.toml")
    local_text = doc_text("henan-2026.1", "2026-03-01", extends='"national-2026.1"', body=LOCAL_BODY)
    merged = library.add_text(local_text, source="henan.toml")

    # tables merge key by key, arrays and values replace
    assert merged["fines"] == {"limit": 5, "rate": 0.8, "kinds": ["c"], "nested": {"x": 1, "y": 20}}
    assert merged["publicity"] == {"months": 12}
    assert merged["local"] == {"only": True}
    # the meta is the extending document's own
    assert merged["meta"]["version"] == "henan-2026.1"
    assert library.document("henan-2026.1").meta.extends == "national-2026.1"
    # the base is untouched
    assert library.get("national-2026.1")["fines"] == {
        "limit": 5,
        "rate": 0.5,
        "kinds": ["a", "b"],
        "nested": {"x": 1, "y": 2},
    }


def test_extends_an_unknown_version_is_refused_at_the_extends_line():
    library = new_library()
    library.add_text(doc_text("national-2026.1", body=BASE_BODY), source="national.toml")
    text = doc_text("henan-2026.1", extends='"national-2025.9"', body=LOCAL_BODY)
    with pytest.raises(ConfigError) as info:
        library.add_text(text, source="henan.toml")
    assert "national-2025.9" in info.value.message
    assert "不存在" in info.value.message
    assert info.value.line == line_of(text, "extends")
    assert info.value.source == "henan.toml"
    assert [m.version for m in library.versions()] == ["national-2026.1"]


# --- Library ------------------------------------------------------------------------------------


def test_same_version_with_the_same_text_may_be_added_again():
    library = new_library()
    text = doc_text("v1", body=BASE_BODY)
    library.add_text(text, source="a.toml")
    library.add_text(text, source="a.toml")
    assert [m.version for m in library.versions()] == ["v1"]


def test_same_version_with_a_different_text_is_refused():
    library = new_library()
    library.add_text(doc_text("v1", body=BASE_BODY), source="a.toml")
    changed = doc_text("v1", body=BASE_BODY.replace("limit = 5", "limit = 6"))
    with pytest.raises(ConfigError) as info:
        library.add_text(changed, source="b.toml")
    assert "已存在" in info.value.message
    assert info.value.line == line_of(changed, "version =")
    assert library.get("v1")["fines"]["limit"] == 5


def test_a_document_the_builder_refuses_is_not_registered():
    def build(doc):
        if "fines" not in doc.data:
            raise doc.error("缺少 fines", "meta")
        return dict(doc.data)

    library = Library(KIND, build)
    text = doc_text("v1")
    with pytest.raises(ConfigError) as info:
        library.add_text(text, source="a.toml")
    assert info.value.line == line_of(text, "[meta]")
    assert library.versions() == []
    with pytest.raises(KeyError):
        library.get("v1")


def test_check_text_builds_without_registering():
    library = new_library()
    built = library.check_text(doc_text("v1", body=BASE_BODY), source="upload.toml")
    assert built["fines"]["limit"] == 5
    assert library.versions() == []


def test_for_date_picks_the_newest_version_in_force():
    library = new_library()
    for version, effective in [("v2023", "2023-08-14"), ("v2026", "2026-01-01"), ("v2020", "2020-01-01")]:
        library.add_text(doc_text(version, effective), source=f"{version}.toml")

    def picked(date, **kwargs):
        return library.for_date(date, **kwargs)["meta"]["version"]

    assert [m.version for m in library.versions()] == ["v2020", "v2023", "v2026"]
    assert picked(dt.date(2020, 1, 1)) == "v2020"
    assert picked(dt.date(2023, 8, 13)) == "v2020"
    assert picked(dt.date(2023, 8, 14)) == "v2023"
    assert picked(dt.date(2025, 12, 31)) == "v2023"
    assert picked(dt.date(2026, 1, 1)) == "v2026"
    assert picked(dt.date(2040, 1, 1)) == "v2026"
    assert picked(dt.date(2040, 1, 1), among=["v2020", "v2023"]) == "v2023"
    with pytest.raises(KeyError):
        library.for_date(dt.date(2019, 12, 31))
    with pytest.raises(KeyError):
        library.for_date(dt.date(2021, 1, 1), among=["v2026"])


# --- Locator ------------------------------------------------------------------------------------

LOCATOR_TEXT = textwrap.dedent(
    """\
    # a comment
    [meta]
    kind = "x"  # trailing comment

    [[item]]  # first
    id = "a"
    steps = [{ at_least = 1, points = 2 }]

    [[item]]
    id = "b"
    "quoted key" = 1

    [table.sub]
    key = 3
    """
)


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (("meta",), 2),
        (("meta", "kind"), 3),
        (("meta", "missing"), 2),
        (("item",), 5),  # an array of tables: its first table
        (("item", 0), 5),
        (("item", 0, "id"), 6),
        (("item", 0, "steps"), 7),
        (("item", 0, "steps", "points"), 7),
        (("item", 1), 9),
        (("item", 1, "id"), 10),
        (("item", 1, "quoted key"), 11),
        (("item", 1, "points"), 9),
        (("table", "sub", "key"), 14),
        (("nowhere",), None),
        ((), None),
    ],
)
def test_locator_finds_the_line_of_a_path(path, line):
    assert Locator(LOCATOR_TEXT).line_of(*path) == line
