"""The pure rules of organization search: normalisation, literals, grams, the match rule and order."""

from hypothesis import given
from hypothesis import strategies as st

from socredit.core.search import (
    MAX_QUERY,
    Searchable,
    code_keys,
    code_lookup,
    code_parts,
    fold,
    fts_literal,
    grams,
    is_code_text,
    like_literal,
    matches,
    normalise,
    plain_scan,
    relevance,
)

CODE = "51410105MJ0000123X"


def test_normalise_trims_and_collapses_whitespace_only():
    assert normalise("  书法\u3000\t协会 ") == "书法 协会"
    assert normalise('（养老）*"NEAR"') == '（养老）*"NEAR"'
    assert normalise(None) == normalise("   ") == ""


def test_fold_upper_cases_ascii_letters_only():
    assert fold("it协会abc") == "IT协会ABC"
    assert fold("éß") == "éß"  # as SQLite's upper(): other letters unchanged


def test_fts_literal_quotes_and_doubles_quotes():
    assert fts_literal("社区") == '"社区"'
    assert fts_literal('"星光" NEAR(a b)*') == '"""星光"" NEAR(a b)*"'


def test_like_literal_escapes_wildcards():
    assert like_literal("100%_\\") == "100\\%\\_\\\\"


@given(st.text(max_size=12))
def test_every_short_substring_is_a_gram(text):
    g = grams(text)
    for n in (1, 2):
        for i in range(len(text) - n + 1):
            assert fold(text[i : i + n]) in g


def test_match_rule_and_relevance():
    org = Searchable(1, CODE, "郑州IT协会", "郑州信息技术协会")
    assert matches(org, "it协") and matches(org, "信息技术") and matches(org, "5141")
    assert matches(org, "0105MJ") and not matches(org, "05")  # code substrings from 3 characters
    assert not matches(org, "书法")
    assert relevance(org, CODE.lower()) == 0
    assert relevance(org, "郑州it协会") == 1
    assert relevance(org, "郑州") == relevance(org, "514101") == 2
    assert relevance(org, "协会") == 3


def test_plain_scan_orders_by_relevance_then_name_then_id():
    orgs = [Searchable(1, CODE, "金水区慈善协会"), Searchable(2, "51410105MJ0000124X", "慈善"),
            Searchable(3, "51410105MJ0000125X", "慈善基金会"), Searchable(4, "51410105MJ0000126X", "慈善")]  # fmt: skip
    assert plain_scan(orgs, "慈善") == [2, 4, 3, 1]
    assert plain_scan(orgs, "x" * (MAX_QUERY + 1)) == []
    assert plain_scan(orgs, " ") == [2, 4, 3, 1]  # no query: no narrowing, name order


CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@given(
    st.lists(st.text(CODE_CHARS, min_size=18, max_size=18), min_size=1, max_size=12),
    st.data(),
)
def test_code_tables_find_every_code_substring(codes, data):
    """Prefix, tail suffixes, head suffixes and head-to-tail crossings together find exactly the
    codes that hold a query of 3+ code characters, wherever it lies (in the head, across, in the tail)."""
    code = data.draw(st.sampled_from(codes))
    start = data.draw(st.integers(0, 15))
    end = data.draw(st.integers(start + 3, 18))
    query = code[start:end]
    assert code_lookup(codes, query) == {c for c in codes if query in c}
    assert code_lookup(codes, query + "Z" * 18) == set()


def test_code_keys_and_parts():
    keys = code_keys("51410105MJ0000017X")
    assert keys.head == "51410105"
    assert keys.head_suffixes == ("51410105", "1410105", "410105", "10105", "0105", "105", "05", "5")
    assert (
        keys.tail_suffixes[0] == "MJ0000017X"
        and keys.tail_suffixes[-1] == "17X"
        and len(keys.tail_suffixes) == 8
    )
    assert code_parts("0105MJ").crossing[3] == ("0105", "MJ")
    assert len(code_parts("123").crossing) == 2 and len(code_parts("1" * 18).crossing) == 7
    assert (
        is_code_text("5141MJ")
        and not is_code_text("51 41")
        and not is_code_text("郑州")
        and not is_code_text("")
    )
