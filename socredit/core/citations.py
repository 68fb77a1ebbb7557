"""The law as a document cites it (法律依据): the public legal-citation catalogue.

Every ground of entry and exit of the two lists, the red list, and the bases of the case steps
(objection, credit repair, complaint) and of the remedies has one ``Citation``: the instrument by its
full title and number, the article and item **only where rules.md marks that article VERIFIED**, and
the situation (情形) in the words a document uses. The rules.md item code (``R1.6(5)``) and its
verification tag stay in code (``Citation.code``, ``Citation.tag``): they are how the engine and
the administrators' rule pages name an item, never what leaves the office.

Why articles are mostly absent: rules.md read only articles 1–7 of 民政部令第60号 in the final text;
the article numbers of the list provisions (probably 第十条, 第十四条 …) are UNVERIFIED, so a
document cites 《社会组织信用信息管理办法》（民政部令第60号） and states the situation in the
regulation's own words instead of guessing an article. When rules.md verifies an article, set it
here (``article``) and every document prints it from then on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Instrument:
    """A law, regulation or rule (法律、法规、规章) by its full title and, for a rule, its number."""

    title: str
    """Full title without book-title marks, e.g. ``社会组织信用信息管理办法``."""
    number: str = ""
    """Issuing number for a rule (``民政部令第60号``); laws are cited by title alone."""

    def cite(self, article: str = "") -> str:
        """《title》（number）article — the form a document prints."""
        head = f"《{self.title}》" + (f"（{self.number}）" if self.number else "")
        return head + article


CREDIT_MEASURES: Final = Instrument("社会组织信用信息管理办法", "民政部令第60号")
REPAIR_MEASURES: Final = Instrument("信用修复管理办法", "国家发展和改革委员会令第36号")
"""In force 2026-04-01 (rules.md R2.5, VERIFIED); articles 2–4 VERIFIED (R2.6, R2.7)."""
REPAIR_MEASURES_2023: Final = Instrument(
    "失信行为纠正后的信用信息修复管理办法（试行）", "国家发展和改革委员会令第58号"
)
"""In force 2023-05-01 to 2026-03-31 (R2.1, identity VERIFIED; articles UNVERIFIED)."""
REPAIR_MEASURES_FROM: Final = (2026, 4, 1)
ADMINISTRATIVE_PENALTY_LAW: Final = Instrument("中华人民共和国行政处罚法")
ADMINISTRATIVE_RECONSIDERATION_LAW: Final = Instrument("中华人民共和国行政复议法")
ADMINISTRATIVE_LITIGATION_LAW: Final = Instrument("中华人民共和国行政诉讼法")


@dataclass(frozen=True)
class Citation:
    """What a document prints for one ground, exit or step basis."""

    code: str
    """The rules.md item (``R1.6(5)``) or a catalogue key — kept in code, never printed."""
    instrument: Instrument
    situation: str
    """The 情形 as the document states it (plain language, the regulation's wording where known)."""
    tag: str
    """The rules.md verification tag of the item (VERIFIED / SECONDARY / DRAFT-ONLY / UNVERIFIED)."""
    article: str = ""
    """第X条第X项 — set only where rules.md marks the article VERIFIED."""

    def __post_init__(self) -> None:
        if self.article and self.tag != "VERIFIED":
            raise ValueError(f"{self.code}: an article is printed only for a VERIFIED item, not {self.tag}")

    @property
    def text(self) -> str:
        """The printed citation: 《title》（number）[article]."""
        return self.instrument.cite(self.article)


def _list(code: str, situation: str, tag: str = "SECONDARY") -> Citation:
    return Citation(code, CREDIT_MEASURES, situation, tag)


LIST_CITATIONS: Final[dict[str, Citation]] = {
    c.code: c
    for c in (
        # 活动异常名录 — 列入情形 (R1.6, article UNVERIFIED)
        _list("R1.6(1)", "未按照规定时限和要求向登记管理机关报送年度工作报告"),
        _list("R1.6(2)", "未按照有关规定设立党组织"),
        _list(
            "R1.6(3)",
            "登记管理机关在抽查和其他监督检查中发现问题，发放整改文书要求限期整改，社会组织未按期完成整改",
        ),
        _list(
            "R1.6(4)",
            "具有公开募捐资格的慈善组织，不再符合公开募捐资格条件或者连续6个月以上未开展公开募捐活动",
        ),
        _list("R1.6(5)", "受到警告或者不满5万元罚款处罚"),
        _list("R1.6(6)", "通过登记的住所无法与社会组织取得联系"),
        _list("R1.6(7)", "法律、行政法规规定应当列入的其他情形"),
        # 严重违法失信名单 — 列入情形 (R1.12, article UNVERIFIED)
        _list("R1.12(1)", "被列入活动异常名录满2年"),
        _list("R1.12(2)", "弄虚作假办理变更登记，被撤销变更登记"),
        _list("R1.12(3)", "受到限期停止活动行政处罚"),
        _list("R1.12(4)", "受到5万元以上罚款处罚"),
        _list("R1.12(5)", "三年内两次以上受到警告或者不满5万元罚款处罚"),
        _list("R1.12(6)", "被人民法院依法纳入失信被执行人名单"),
        _list("R1.12(7)", "被登记管理机关作出吊销登记证书或者撤销成立登记的行政处罚"),
        _list("R1.12(8)", "法律、行政法规规定应当列入的其他情形"),
        # 移出 (R1.10 DRAFT-ONLY, R1.11 and R1.14 SECONDARY)
        _list("R1.10(a)", "已履行相关义务或者完成整改，申请移出活动异常名录，经查实", "DRAFT-ONLY"),
        _list(
            "R1.10(b)", "列入活动异常名录的事由不涉及履行义务或者整改，自列入之日起已满规定期限", "DRAFT-ONLY"
        ),
        _list("R1.11", "被列入活动异常名录满2年，移出活动异常名录并列入严重违法失信名单"),
        _list("R1.14(a)", "列入严重违法失信名单满2年，期间未再出现应当列入的情形，申请移出"),
        _list(
            "R1.14(b)",
            "因列入活动异常名录满2年被列入严重违法失信名单，已满2年并履行相关义务或者完成整改，申请移出",
        ),
        _list("R1.14(c)", "因被吊销登记证书或者撤销成立登记被列入严重违法失信名单，已完成注销登记"),
        # 异议成立，撤销列入 (R1.18: 经核实确有错误的，及时更正; article UNVERIFIED)
        _list("R1.18", "对信用信息管理提出异议，经核实确有错误，予以更正"),
        # 守信红名单: 信用良好的激励 (R1.16 SECONDARY; the criteria are this authority's own)
        _list("RED", "信用状况良好，符合本机关确定的守信激励条件"),
        # 事先告知 (R1.5 DRAFT-ONLY)
        _list("R1.5", "列入前书面告知拟列入的事实、理由、依据及陈述、申辩的权利", "DRAFT-ONLY"),
        # 无法联系时以互联网公告方式告知 (R1.7 DRAFT-ONLY)
        _list("R1.7", "通过登记的住所无法取得联系的，以互联网公告方式告知", "DRAFT-ONLY"),
        # 不负直接责任的书面证明 (R1.8 DRAFT-ONLY)
        _list("R1.8", "业务主管单位等有关部门书面证明社会组织不负直接责任的，可以不予列入", "DRAFT-ONLY"),
        # 列入期间再次出现应当列入情形 (R1.9 / R1.13)
        _list("R1.9", "列入活动异常名录期间再次出现应当列入的情形，列入时限重新计算"),
        _list("R1.13", "列入严重违法失信名单期间再次出现应当列入的情形，列入时限重新计算"),
    )
}
"""Every list ground and exit (``core.lists.grounds`` codes), keyed by its rules.md item."""

CASE_CITATIONS: Final[dict[str, Citation]] = {
    c.code: c
    for c in (
        _list(
            "objection", "社会组织对信用信息管理有异议的，可以向登记管理机关提出，经核实确有错误的，及时更正"
        ),
        Citation(
            "objection.revoked_decision",
            ADMINISTRATIVE_PENALTY_LAW,
            "公开的行政处罚决定被依法变更、撤销、确认违法或者确认无效的，应当在三日内撤回原行政处罚决定信息并公开说明理由",
            "VERIFIED",
            "第四十八条",
        ),
        Citation(
            "repair",
            REPAIR_MEASURES,
            "信用主体纠正失信行为、履行相关义务后，可以申请信用修复；修复后相关失信信息终止公示、停止共享和使用，相关失信惩戒措施同时解除",
            "VERIFIED",
            "第二条、第三条",
        ),
        Citation(
            "repair.scope",
            REPAIR_MEASURES,
            "失信信息包括严重失信主体名单信息、行政处罚信息、异常名录信息和其他失信信息",
            "VERIFIED",
            "第四条",
        ),
        Citation(
            "repair.2023",
            REPAIR_MEASURES_2023,
            "信用主体纠正失信行为、履行相关义务后，可以申请信用信息修复",
            "VERIFIED",
        ),
        _list("complaint", "登记管理机关依法履行社会组织信用信息管理和监督检查职责"),
    )
}
"""The bases of the case steps (objection, repair, complaint)."""


@dataclass(frozen=True)
class Remedy:
    """A right of the addressee against a decision, with its period as the law states it."""

    code: str
    name: str
    period: str
    citation: Citation

    @property
    def text(self) -> str:
        return f"{self.period}{self.name}（{self.citation.text}）"


RECONSIDERATION: Final = Remedy(
    "reconsideration",
    "向有关行政复议机关申请行政复议",
    "自知道或者应当知道该行政行为之日起六十日内",
    Citation(
        "R1.18.reconsideration",
        ADMINISTRATIVE_RECONSIDERATION_LAW,
        "公民、法人或者其他组织认为行政行为侵犯其合法权益的，可以自知道或者应当知道该行政行为之日起六十日内提出行政复议申请",
        "VERIFIED",
        "第二十条",
    ),
)
LITIGATION: Final = Remedy(
    "litigation",
    "向人民法院提起行政诉讼",
    "自知道或者应当知道作出行政行为之日起六个月内",
    Citation(
        "R1.18.litigation",
        ADMINISTRATIVE_LITIGATION_LAW,
        "公民、法人或者其他组织直接向人民法院提起诉讼的，应当自知道或者应当知道作出行政行为之日起六个月内提出",
        "VERIFIED",
        "第四十六条",
    ),
)
REMEDIES: Final = (RECONSIDERATION, LITIGATION)


def remedies_sentence(
    what: str = "本决定", *, reconsideration_days: int = 60, litigation_months: int = 6
) -> str:
    """如不服{what}，可以…申请行政复议，也可以…提起行政诉讼 — the remedies paragraph of a decision.
    The periods are the statutory ones (the profile's ``remedies.*`` values, which restate them, are
    passed in where a profile is at hand; a different value would contradict the cited article)."""
    r, lit = RECONSIDERATION, LITIGATION
    r_period = r.period.replace("六十日", f"{reconsideration_days}日")
    lit_period = lit.period.replace("六个月", f"{litigation_months}个月")
    return (
        f"如不服{what}，可以{r_period}{r.name}（{r.citation.text}），"
        f"也可以{lit_period}{lit.name}（{lit.citation.text}）。"
        "行政复议、行政诉讼期间，不停止执行。"
    )


def citation(code: str) -> Citation:
    """The citation of a ground, exit or step basis; KeyError if there is none (a gap to fill here,
    not a text to improvise)."""
    if code in LIST_CITATIONS:
        return LIST_CITATIONS[code]
    return CASE_CITATIONS[code]


def repair_citation(year: int, month: int, day: int) -> Citation:
    """The repair rule in force on a date: 发改委令第36号 from 2026-04-01, 第58号 before."""
    return CASE_CITATIONS["repair" if (year, month, day) >= REPAIR_MEASURES_FROM else "repair.2023"]


def basis_text(*codes: str) -> str:
    """The printed legal basis of one or more codes: the instruments in order, each once, e.g.
    ``《社会组织信用信息管理办法》（民政部令第60号）``."""
    seen: list[str] = []
    for code in codes:
        t = citation(code).text
        if t not in seen:
            seen.append(t)
    return "、".join(seen)


def situation(code: str) -> str:
    return citation(code).situation


INTERNAL_PATTERNS: Final[tuple[re.Pattern[str], ...]] = (
    re.compile(r"R\d+\.\d+"),
    re.compile(r"VERIFIED|SECONDARY|DRAFT-ONLY|UNVERIFIED|已核实|二手资料|未核实|仅见征求意见稿"),
    re.compile(r"\b[a-z_]+\.[a-z_]+\.[a-z_]+"),
    re.compile(r"national-20|xinzheng-|quzhou-"),
    re.compile(r"#\d+"),
    re.compile(r"\{#|\{%|\{\{"),
    re.compile(r"参数 "),
    re.compile(r"rules\.md"),
)
"""What must never appear in a document that leaves the office (item codes, tags, parameter names,
profile names, database ids, template syntax)."""


def internal_codes_in(text: str) -> list[str]:
    """Every internal code a public text contains (empty when it is fit to serve)."""
    return [m.group(0) for p in INTERNAL_PATTERNS for m in p.finditer(text)]


_CODE_IN_BRACKETS = re.compile(
    r"[（(]\s*(?:rules\.md\s*)?R\d+\.\d+(?:\([a-z0-9]+\))?(?:\s*[、/,，;；]\s*R?\d+\.\d+(?:\([a-z0-9]+\))?)*\s*[)）]"
)
_BARE_CODE = re.compile(r"(?:rules\.md\s*)?R\d+\.\d+(?:\([a-z0-9]+\))?")
_TAG = re.compile(r"[［\[〔](?:VERIFIED|SECONDARY|DRAFT-ONLY|UNVERIFIED)[^］\]〕]*[］\]〕]")
_RECORD_ID = re.compile(r"[（(]?(?:记录\s*)?#\d+[)）]?")


def public_text(text: str) -> str:
    """A reason written by the engine or copied from a record, without the item codes, tags and record
    ids it may carry for staff (``…自动移出（R1.10(b)）`` → ``…自动移出``)."""
    text = _CODE_IN_BRACKETS.sub("", text)
    text = _TAG.sub("", text)
    text = _BARE_CODE.sub("", text)
    text = _RECORD_ID.sub("", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


EVALUATION_MEASURES: Final = Instrument("社会组织评估管理办法")
"""Cited by title: the 2010 text (民政部令第39号) was replaced on 2026-03-01 by a revision whose number
rules.md does not record (R3.1, R3.2)."""
SPOT_CHECK_MEASURES: Final = Instrument("社会组织抽查暂行办法", "民发〔2017〕45号")
REPAIR_PROGRAMME_2025: Final = Instrument("关于进一步完善信用修复制度的实施方案", "国办发〔2025〕22号")
OWN_STANDARD: Final = "本机关确定的社会组织信用评价标准"
"""What an indicator resting on local indicator systems (rules.md §5, templates rather than law) cites."""

_ITEM = re.compile(r"R(\d+)\.(\d+)")
_VERIFIED_ARTICLES: Final = {
    (1, 1): "第二条",
    (1, 3): "第六条、第七条",
    (2, 6): "第二条、第三条",
    (2, 7): "第四条",
}
"""rules.md items whose article is VERIFIED in the final text (R1.1, R1.3, R2.6, R2.7): only these
print an article when a basis is derived from item codes."""


def _item_citation(section: int, number: int) -> str:
    article = _VERIFIED_ARTICLES.get((section, number), "")
    if section == 1:
        return CREDIT_MEASURES.cite(article)
    if section == 2:
        if number <= 4:
            return REPAIR_MEASURES_2023.cite()
        return (REPAIR_MEASURES if number <= 11 else REPAIR_PROGRAMME_2025).cite(article)
    if section == 3:
        return EVALUATION_MEASURES.cite()
    if section == 4:
        return SPOT_CHECK_MEASURES.cite()
    return OWN_STANDARD


def public_basis(text: str) -> str:
    """The legal basis a page shows for a basis written for staff with rules.md items (an indicator's
    or a level rule's ``basis``, e.g. ``R1.6(1) 未按规定报送年度工作报告; R2.8``): the instruments those
    items come from, each once, in order — ``《社会组织信用信息管理办法》（民政部令第60号）；《信用修复
    管理办法》（国家发展和改革委员会令第36号）``. The items stay in the model (the indicator-model page
    shows them); a text without items is returned through ``public_text``."""
    seen: list[str] = []
    for m in _ITEM.finditer(text):
        cited = _item_citation(int(m.group(1)), int(m.group(2)))
        if cited not in seen:
            seen.append(cited)
    return "；".join(seen) if seen else public_text(text)
