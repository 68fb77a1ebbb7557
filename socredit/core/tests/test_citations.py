"""The public legal-citation catalogue: every ground, exit and step basis cited, and cited as the law."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from socredit.core import citations
from socredit.core.citations import (
    CASE_CITATIONS,
    LIST_CITATIONS,
    REMEDIES,
    Citation,
    citation,
    internal_codes_in,
    public_text,
    remedies_sentence,
)
from socredit.core.lists.grounds import EXITS, GROUNDS, OBJECTION_EXIT

RULES_MD = Path("/work/shared/rules.md")


def test_every_ground_and_exit_has_a_citation() -> None:
    codes = [g.code for g in GROUNDS] + [e.code for e in EXITS] + [OBJECTION_EXIT.code, "RED"]
    missing = [c for c in codes if c not in LIST_CITATIONS]
    assert missing == []
    assert len(codes) == 7 + 8 + 6 + 2


@pytest.mark.parametrize(
    "code", ["objection", "objection.revoked_decision", "repair", "repair.scope", "complaint"]
)
def test_every_case_step_basis_has_a_citation(code: str) -> None:
    assert citation(code).text.startswith("《")


@pytest.mark.parametrize("c", [*LIST_CITATIONS.values(), *CASE_CITATIONS.values(), *(r.citation for r in REMEDIES)],
                         ids=lambda c: c.code)  # fmt: skip
def test_no_printed_citation_carries_an_internal_code(c: Citation) -> None:
    assert internal_codes_in(c.text) == []
    assert internal_codes_in(c.situation) == []
    assert c.code not in c.text


@pytest.mark.parametrize("c", [*LIST_CITATIONS.values(), *CASE_CITATIONS.values(), *(r.citation for r in REMEDIES)],
                         ids=lambda c: c.code)  # fmt: skip
def test_articles_are_printed_only_for_verified_items(c: Citation) -> None:
    if c.tag != "VERIFIED":
        assert c.article == "" and "第" not in c.text.split("》")[-1].replace("第60号", "").replace(
            "第36号", ""
        )
    assert ("条" in c.text) == bool(c.article)


def test_an_article_on_an_unverified_item_is_refused() -> None:
    with pytest.raises(ValueError, match="VERIFIED"):
        Citation("R1.6(5)", citations.CREDIT_MEASURES, "受到警告", "SECONDARY", "第十条")


@pytest.mark.parametrize(
    "code,text",
    [
        ("R1.6(1)", "《社会组织信用信息管理办法》（民政部令第60号）"),
        ("R1.6(5)", "《社会组织信用信息管理办法》（民政部令第60号）"),
        ("R1.12(4)", "《社会组织信用信息管理办法》（民政部令第60号）"),
        ("R1.10(b)", "《社会组织信用信息管理办法》（民政部令第60号）"),
        ("R1.14(c)", "《社会组织信用信息管理办法》（民政部令第60号）"),
        ("repair", "《信用修复管理办法》（国家发展和改革委员会令第36号）第二条、第三条"),
        ("objection.revoked_decision", "《中华人民共和国行政处罚法》第四十八条"),
    ],
)
def test_citation_per_ground(code: str, text: str) -> None:
    assert citation(code).text == text


def test_remedies_cite_the_verified_articles_with_their_periods() -> None:
    s = remedies_sentence()
    assert "60日内" in s and "《中华人民共和国行政复议法》第二十条" in s
    assert "6个月内" in s and "《中华人民共和国行政诉讼法》第四十六条" in s


@pytest.mark.skipif(not RULES_MD.exists(), reason="the shared rules specification is not on this machine")
def test_verified_tags_match_rules_md() -> None:
    """A catalogue entry tagged VERIFIED rests on an item rules.md marks VERIFIED (the list items are not)."""
    text = RULES_MD.read_text(encoding="utf-8")
    for item in ("R1.6", "R1.12", "R1.10", "R1.14", "R1.11"):
        line = next(ln for ln in text.splitlines() if f"**{item} " in ln)
        assert "[VERIFIED" not in line.split("**")[2][:40], item
        assert all(c.tag != "VERIFIED" for k, c in LIST_CITATIONS.items() if k.startswith(item))
    assert re.search(r"行政复议: within \*\*60 days\*\*.*第二十条", text)
    assert re.search(r"行政诉讼: within \*\*6 months\*\*.*第四十六条", text)


@pytest.mark.parametrize(
    "raw,clean",
    [
        (
            "列入活动异常名录满6个月（2026-01-02）自动移出（R1.10(b)）",
            "列入活动异常名录满6个月（2026-01-02）自动移出",
        ),
        ("移出活动异常名录并列入严重违法失信名单（R1.12(1)）", "移出活动异常名录并列入严重违法失信名单"),
        ("依据 rules.md R1.6(1)；民政部令第60号［SECONDARY］", "依据 ；民政部令第60号"),
        ("记录 #27067 已更正", "已更正"),
    ],
)
def test_public_text_strips_internal_codes(raw: str, clean: str) -> None:
    assert public_text(raw) == clean
    assert internal_codes_in(public_text(raw)) == []


def test_internal_codes_are_found() -> None:
    found = internal_codes_in(
        "参数 lists.abnormal.removal_working_days = 5 national-2026.1 #12 R6.1〔VERIFIED〕"
    )
    assert {"参数 ", "lists.abnormal.removal_working_days", "national-20", "#12", "R6.1", "VERIFIED"} <= set(
        found
    )


def test_a_basis_written_with_items_is_shown_as_the_instruments_it_rests_on():
    from socredit.core.citations import public_basis

    assert public_basis("R1.6(1) 未按规定报送年度工作报告; R2.8") == (
        "《社会组织信用信息管理办法》（民政部令第60号）；《信用修复管理办法》（国家发展和改革委员会令第36号）"
    )
    # an article only where rules.md verifies it (R1.3: 第六、七条); local indicator systems are not law
    assert public_basis("民政部令第60号 第六条 年报信息 (R1.3); R5.4(a) 年报信息") == (
        "《社会组织信用信息管理办法》（民政部令第60号）第六条、第七条；本机关确定的社会组织信用评价标准"
    )
    assert (
        public_basis("R2.2")
        == "《失信行为纠正后的信用信息修复管理办法（试行）》（国家发展和改革委员会令第58号）"
    )
    assert public_basis("本机关规定") == "本机关规定"
    for text in ("R1.12(4)(5); R2.8", "R3.6", "R4.6", "R2.13"):
        assert internal_codes_in(public_basis(text)) == [], text
