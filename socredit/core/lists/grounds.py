"""Grounds of entry to and exit from the two lists (列入事由 / 移出事由), as data.

Each ground names its rules.md item (``R1.6(5)`` …), the probable article of 民政部令第60号 and the
verification tag rules.md gives it: the internal basis the engine, the logs and the administrators'
rule pages show. What a document or a staff page prints is ``core.citations`` (the regulation by
title and number, an article only where rules.md verifies it), never this text.

Automatic or proposal
---------------------
``automatic`` says whether the records alone decide the ground. Where they do not, the engine
produces a *proposal for staff to confirm* (``needs_confirmation``), never a listing:

* R1.6(2) 未按规定设立党组织: whether a Party organization was *required* ("按照有关规定") depends on
  Party rules (membership count, 联合党组织) that the records do not hold; the catalogue has only the
  positive kind ``party_org_established``. Staff raise it by hand.
* R1.6(7) / R1.12(8) "other cases required by law or administrative regulation": open-ended by
  definition, so staff raise them by hand with the provision they rely on.
* R1.12(2) change registration obtained by fraud and revoked: "弄虚作假" is a finding of fact, and the
  catalogue kind ``registration_revoked`` (撤销登记) does not say whether the change registration or
  the establishment registration was revoked. Staff raise it by hand.
* R1.12(7) from ``registration_revoked``: the same ambiguity, so a ``registration_revoked`` record
  gives an R1.12(7) *proposal* (staff confirm that the establishment registration was revoked, or
  re-file it as R1.12(2)). ``penalty_certificate_revoked`` (吊销登记证书) decides R1.12(7) alone.
* R1.6(5) from a fine whose amount was not recorded: the threshold cannot be applied, so the
  record gives an R1.6(5) proposal and staff check the amount (it may be R1.12(4)).

Annual reports (R1.6(1))
------------------------
"未按照规定时限和要求报送年度工作报告". The authority records the failure as ``annual_report_missing``
when the deadline passes (or a report is rejected as not in the required form); that record is the
ground. ``annual_report_late`` (filed after the deadline) is **not** a ground of its own: on the day
it is recorded the obligation has been fulfilled, so listing on it would list an organization that
may at once apply for removal; and where the failure had already been recorded, listing again on
the late filing would restart the R1.9 clock for the act that fulfils the obligation. A late report
is instead the *fulfilment* of R1.6(1) for R1.10(a) removal.

Obligations (R1.10, R1.14(b))
-----------------------------
``involves_obligation`` says whether the organization must fulfil an obligation or complete a
rectification before removal (R1.10(a)); only R1.6(5) involves none (the warning or fine is the
whole consequence), so only R1.6(5) entries leave automatically (R1.10(b)). That fines are paid is
not in the records; the profile's auto-removal period is taken to cover the execution of the fine
(rules.md R1.10(b) "already executed", DRAFT-ONLY). ``fulfilment_kinds`` are the record kinds that
prove fulfilment without a staff statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from socredit.core.citations import citation
from socredit.core.lists.params import ListParameters

ABNORMAL: Final = "abnormal"
SERIOUS: Final = "serious"
NORMAL: Final = "normal"
LIST_TITLES: Final = {ABNORMAL: "活动异常名录", SERIOUS: "严重违法失信名单", NORMAL: "未列入名录"}

_ART_ABNORMAL = "民政部令第60号 第十条（条号待核）"
_ART_SERIOUS = "民政部令第60号 第十四条（条号待核）"
_ART_ABNORMAL_EXIT = "民政部令第60号 第十二条（征求意见稿第十四条，终稿条号待核）"
_ART_SERIOUS_EXIT = "民政部令第60号 第十六条（条号待核）"


@dataclass(frozen=True)
class Ground:
    """A ground of entry (列入事由)."""

    code: str
    """rules.md item, e.g. ``R1.6(5)``."""
    list: str
    """``abnormal`` or ``serious``."""
    title: str
    article: str
    tag: str
    """Verification tag of the rules.md item (VERIFIED / SECONDARY / DRAFT-ONLY / UNVERIFIED)."""
    automatic: bool
    """The records decide it alone; otherwise every hit is a proposal for staff to confirm."""
    trigger_kinds: tuple[str, ...] = ()
    """Record kinds that decide the ground (subject to the ground's amount/count test)."""
    confirm_kinds: tuple[str, ...] = ()
    """Record kinds that only propose the ground (staff confirm)."""
    involves_obligation: bool = True
    fulfilment_kinds: tuple[str, ...] = ()
    rule: str = ""
    """How the ground is tested, in one line."""

    @property
    def basis(self) -> str:
        """The internal basis (item, probable article, tag); documents print ``core.citations``."""
        return f"rules.md {self.code}；{self.article}［{self.tag}］"

    @property
    def severity(self) -> int:
        """2 for the serious list, 1 for the abnormal list (a record decides one ground: the worst)."""
        return 2 if self.list == SERIOUS else 1


GROUNDS: Final[tuple[Ground, ...]] = (
    Ground(
        "R1.6(1)",
        ABNORMAL,
        "未按照规定时限和要求报送年度工作报告",
        _ART_ABNORMAL,
        "SECONDARY",
        True,
        trigger_kinds=("annual_report_missing",),
        fulfilment_kinds=("annual_report_on_time", "annual_report_late"),
        rule="an annual_report_missing record (annual_report_late is fulfilment, not a ground)",
    ),
    Ground(
        "R1.6(2)",
        ABNORMAL,
        "未按照有关规定设立党组织",
        _ART_ABNORMAL,
        "SECONDARY",
        False,
        fulfilment_kinds=("party_org_established",),
        rule="staff proposal only: whether a Party organization is required is not in the records",
    ),
    Ground(
        "R1.6(3)",
        ABNORMAL,
        "登记管理机关在抽查和其他监督检查中发现问题，发放整改文书要求限期整改，社会组织未按期完成整改",
        _ART_ABNORMAL,
        "SECONDARY",
        True,
        trigger_kinds=("rectification_overdue",),
        rule="a rectification_overdue record",
    ),
    Ground(
        "R1.6(4)",
        ABNORMAL,
        "具有公开募捐资格的慈善组织，不再符合公开募捐资格条件或连续6个月以上未开展公开募捐活动",
        _ART_ABNORMAL,
        "SECONDARY",
        True,
        trigger_kinds=("public_fundraising_lapsed",),
        rule="a public_fundraising_lapsed record (staff record it; fundraising_idle_established() tests the idle months)",
    ),
    Ground(
        "R1.6(5)",
        ABNORMAL,
        "受到警告或者不满5万元罚款处罚",
        _ART_ABNORMAL,
        "SECONDARY",
        True,
        trigger_kinds=("penalty_warning", "penalty_fine"),
        involves_obligation=False,
        rule="a penalty_warning, or a penalty_fine with amount < fine_threshold_yuan (any department)",
    ),
    Ground(
        "R1.6(6)",
        ABNORMAL,
        "通过登记的住所无法与社会组织取得联系",
        _ART_ABNORMAL,
        "SECONDARY",
        True,
        trigger_kinds=("address_unreachable",),
        rule="an address_unreachable record (recorded once address_unreachable_established() holds, R1.7)",
    ),
    Ground(
        "R1.6(7)",
        ABNORMAL,
        "法律、行政法规规定应当列入的其他情形",
        _ART_ABNORMAL,
        "SECONDARY",
        False,
        rule="staff proposal only, naming the provision",
    ),
    Ground(
        "R1.12(1)",
        SERIOUS,
        "被列入活动异常名录满2年",
        _ART_SERIOUS,
        "SECONDARY",
        True,
        rule="listing history: the abnormal clock has run transfer_years full years (transfer_due)",
    ),
    Ground(
        "R1.12(2)",
        SERIOUS,
        "弄虚作假办理变更登记，被撤销变更登记",
        _ART_SERIOUS,
        "SECONDARY",
        False,
        rule="staff proposal only: fraud is a finding; registration_revoked does not say which registration",
    ),
    Ground(
        "R1.12(3)",
        SERIOUS,
        "受到限期停止活动行政处罚",
        _ART_SERIOUS,
        "SECONDARY",
        True,
        trigger_kinds=("penalty_suspension",),
        rule="a penalty_suspension record",
    ),
    Ground(
        "R1.12(4)",
        SERIOUS,
        "受到5万元以上罚款处罚",
        _ART_SERIOUS,
        "SECONDARY",
        True,
        trigger_kinds=("penalty_fine",),
        rule="a penalty_fine with amount >= fine_threshold_yuan",
    ),
    Ground(
        "R1.12(5)",
        SERIOUS,
        "三年内两次以上受到警告或者不满5万元罚款处罚",
        _ART_SERIOUS,
        "SECONDARY",
        True,
        trigger_kinds=("penalty_warning", "penalty_fine"),
        rule="the repeat_count-th warning / small fine within repeat_window_years (rolling, by decision date)",
    ),
    Ground(
        "R1.12(6)",
        SERIOUS,
        "被人民法院依法列入失信被执行人名单",
        _ART_SERIOUS,
        "SECONDARY",
        True,
        trigger_kinds=("dishonest_debtor",),
        rule="a dishonest_debtor record",
    ),
    Ground(
        "R1.12(7)",
        SERIOUS,
        "被登记管理机关作出吊销登记证书或者撤销成立登记的行政处罚",
        _ART_SERIOUS,
        "SECONDARY",
        True,
        trigger_kinds=("penalty_certificate_revoked",),
        confirm_kinds=("registration_revoked",),
        rule="a penalty_certificate_revoked record; a registration_revoked record is a proposal (which registration?)",
    ),
    Ground(
        "R1.12(8)",
        SERIOUS,
        "法律、行政法规规定应当列入的其他情形",
        _ART_SERIOUS,
        "SECONDARY",
        False,
        rule="staff proposal only, naming the provision",
    ),
)

GROUNDS_BY_CODE: Final[dict[str, Ground]] = {g.code: g for g in GROUNDS}


@dataclass(frozen=True)
class ExitRule:
    """A ground of exit (移出事由) or of moving from one list to the other."""

    code: str
    list: str
    """The list the organization leaves."""
    title: str
    article: str
    tag: str
    automatic: bool
    """Decided by the daily run, without an application."""
    rule: str

    @property
    def basis(self) -> str:
        return f"rules.md {self.code}；{self.article}［{self.tag}］"


EXITS: Final[tuple[ExitRule, ...]] = (
    ExitRule(
        "R1.10(a)",
        ABNORMAL,
        "履行相关义务或者完成整改，申请移出活动异常名录",
        _ART_ABNORMAL_EXIT,
        "DRAFT-ONLY",
        False,
        "on application, obligations fulfilled; removal within removal_working_days of verification",
    ),
    ExitRule(
        "R1.10(b)",
        ABNORMAL,
        "列入事由不涉及履行义务或整改，自列入之日起满6个月自动移出",
        _ART_ABNORMAL_EXIT,
        "DRAFT-ONLY",
        True,
        "every ground of the entry is R1.6(5); auto_removal_months full months from the clock start",
    ),
    ExitRule(
        "R1.11",
        ABNORMAL,
        "列入活动异常名录满2年，移出并列入严重违法失信名单",
        _ART_SERIOUS,
        "SECONDARY",
        True,
        "transfer_years full years from the (restarted) clock start",
    ),
    ExitRule(
        "R1.14(a)",
        SERIOUS,
        "列入严重违法失信名单满2年且期间未再出现应当列入情形，申请移出",
        _ART_SERIOUS_EXIT,
        "SECONDARY",
        False,
        "on application, serious_removal_min_years full years and no new ground in that period",
    ),
    ExitRule(
        "R1.14(b)",
        SERIOUS,
        "因列入活动异常名录满2年被列入的，满2年并履行相关义务或完成整改后申请移出",
        _ART_SERIOUS_EXIT,
        "SECONDARY",
        False,
        "as R1.14(a), and the obligations of the abnormal entry fulfilled",
    ),
    ExitRule(
        "R1.14(c)",
        SERIOUS,
        "因被吊销登记证书或撤销成立登记被列入的，完成注销登记后移出",
        _ART_SERIOUS_EXIT,
        "SECONDARY",
        True,
        "a deregistration record on or before the day",
    ),
)

OBJECTION_EXIT: Final = ExitRule(
    "R1.18",
    "",
    "异议成立，撤销列入决定",
    "《社会组织信用信息管理办法》（民政部令第60号）：经核实确有错误的，及时更正（rules.md R1.18, R6.3）",
    "SECONDARY",
    False,
    "an objection (异议) against the listing decision found it wrong; either list (``list`` is empty)",
)
"""Not an exit the engine computes: the objection case decides it (socredit.apps.cases)."""

EXITS_BY_CODE: Final[dict[str, ExitRule]] = {e.code: e for e in (*EXITS, OBJECTION_EXIT)}


def ground(code: str) -> Ground:
    """The ground with this rules.md code; KeyError if none."""
    return GROUNDS_BY_CODE[code]


def basis_of(code: str) -> str:
    """The legal basis text of an entry or exit code."""
    if code in GROUNDS_BY_CODE:
        return GROUNDS_BY_CODE[code].basis
    return EXITS_BY_CODE[code].basis


def cited_basis(code: str) -> str:
    """The legal basis of an entry or exit code as a reader reads it: the law by title, number and
    (where verified) article, and the situation it names (``core.citations``) — never the item code,
    which stays in ``code``/``ground`` fields and in ``basis_of`` for the administrators' rule pages."""
    c = citation(code)
    return f"{c.text}：{c.situation}"


def title_of(code: str) -> str:
    if code in GROUNDS_BY_CODE:
        return GROUNDS_BY_CODE[code].title
    return EXITS_BY_CODE[code].title


def single_record_grounds(
    kind: str, amount: float | None, params: ListParameters
) -> list[tuple[Ground, bool]]:
    """The grounds one record meets by itself, each with whether it needs staff confirmation.

    R1.6(5) vs R1.12(4) split a fine by ``fine_threshold_yuan``: an amount equal to the threshold
    is "5万元以上" (以上 includes the number), one yuan below is "不满5万元". A fine without an
    amount proposes R1.6(5) for staff to check. R1.12(5) needs a count and is tested by the engine.
    """
    hits: list[tuple[Ground, bool]] = []
    if kind == "penalty_fine":
        if amount is None or amount < 0:
            hits.append((GROUNDS_BY_CODE["R1.6(5)"], True))
        elif amount >= params.fine_threshold_yuan:
            hits.append((GROUNDS_BY_CODE["R1.12(4)"], False))
        else:
            hits.append((GROUNDS_BY_CODE["R1.6(5)"], False))
        return hits
    for g in GROUNDS:
        if g.code in ("R1.6(5)", "R1.12(4)", "R1.12(5)"):
            if kind == "penalty_warning" and g.code == "R1.6(5)":
                hits.append((g, False))
            continue
        if kind in g.trigger_kinds:
            hits.append((g, not g.automatic))
        elif kind in g.confirm_kinds:
            hits.append((g, True))
    return hits


def is_small_penalty(kind: str, amount: float | None, params: ListParameters) -> bool:
    """A warning, or a fine of a known amount below the threshold: what R1.6(5) and R1.12(5) count."""
    if kind == "penalty_warning":
        return True
    return kind == "penalty_fine" and amount is not None and 0 <= amount < params.fine_threshold_yuan
