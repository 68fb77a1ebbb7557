"""The list documents as the office serves them (列入事先告知书, 列入/移出/转入决定书, 红名单决定书).

Each text is rendered from its template (``templates/documents/``) when the notice is served or the
decision taken, and stored on the row: the served text is frozen. The citation of each ground comes
from ``core.citations``; the records relied on are named by the deciding department, the date and
their document number, never by a database id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

from socredit.apps.lists.models import LIST_TITLES, RED, RED_GROUND, ListDecision
from socredit.apps.records.models import CreditRecord
from socredit.apps.registry.models import Organization
from socredit.common.documents import clean, remedies, render_text, zh_date
from socredit.core.citations import LIST_CITATIONS, basis_text
from socredit.core.lists import ABNORMAL, GROUNDS, SERIOUS
from socredit.core.policy import PolicyProfile

DECISION_TITLES = {
    (ListDecision.Kind.ENTRY, ABNORMAL): "列入活动异常名录决定书",
    (ListDecision.Kind.ENTRY, SERIOUS): "列入严重违法失信名单决定书",
    (ListDecision.Kind.ENTRY, RED): "列入守信红名单决定书",
    (ListDecision.Kind.RESTART, ABNORMAL): "列入时限重新计算决定书",
    (ListDecision.Kind.RESTART, SERIOUS): "列入时限重新计算决定书",
    (ListDecision.Kind.TRANSFER, SERIOUS): "转入严重违法失信名单决定书",
    (ListDecision.Kind.REMOVAL, ABNORMAL): "移出活动异常名录决定书",
    (ListDecision.Kind.REMOVAL, SERIOUS): "移出严重违法失信名单决定书",
    (ListDecision.Kind.REMOVAL, RED): "移出守信红名单决定书",
    (ListDecision.Kind.EXEMPTION, ABNORMAL): "不予列入活动异常名录决定书",
    (ListDecision.Kind.EXEMPTION, SERIOUS): "不予列入严重违法失信名单决定书",
}
PRIOR_NOTICE_TITLE = "列入事先告知书"
GROUND_TITLES = {g.code: g.title for g in GROUNDS}


def decision_title(kind: str, lst: str) -> str:
    """The title of a decision document (决定书) of this kind on this list."""
    return DECISION_TITLES.get((kind, lst), "名录管理决定书")


def citation_code(code: str) -> str:
    """The catalogue key of a ground or exit code (the red-list ground is ``RED``)."""
    return "RED" if code == RED_GROUND else code


def situation(code: str) -> str:
    """The 情形 of a ground or exit as documents and staff pages state it."""
    c = LIST_CITATIONS.get(citation_code(code))
    return c.situation if c else ""


def printed_basis(*codes: str) -> str:
    """The legal basis of grounds/exits as a document prints it (title, number, verified article)."""
    return basis_text(*(citation_code(c) for c in codes if citation_code(c) in LIST_CITATIONS))


def addressee(organization: Organization) -> str:
    return f"{organization.name}（统一社会信用代码：{organization.code}）"


def record_fact(r: CreditRecord) -> str:
    """One record relied on, as a fact: date, deciding department, document number, what."""
    day = zh_date(r.decided_on or r.occurred_on)
    number = f"以{r.document_number}" if r.document_number else ""
    amount = f"（罚款{_yuan(r.amount)}元）" if r.amount is not None else ""
    return f"{r.department.name}于{day}{number}对你单位作出“{r.kind.name_zh}”的认定{amount}。"


def _yuan(amount: Any) -> str:
    value = float(amount)
    return f"{value:.0f}" if value == int(value) else f"{value:.2f}"


def facts(records: Sequence[CreditRecord], fallback: str) -> list[str]:
    return [record_fact(r) for r in records] or [clean(fallback).rstrip("。") + "。"]


class StatementLike(Protocol):
    """A 陈述申辩 as the decision prints it (``lists.ListStatement`` when that model exists)."""

    outcome: str
    text: str
    answer: str
    received_on: dt.date | None


def _sentence(text: str) -> str:
    """A quoted text without its closing punctuation (the template closes the sentence)."""
    return clean(text).rstrip("。；，;,. ")


def _statement(statement: StatementLike | None) -> dict[str, Any] | None:
    if statement is None:
        return None
    return {"outcome": statement.outcome, "text": _sentence(statement.text), "answer": _sentence(statement.answer),
            "received_on": zh_date(statement.received_on)}  # fmt: skip


def own_reason(reason: str, ground: str) -> str:
    """The reason a proposal adds to its ground (staff's facts and provision), without the engine's
    restatement of the situation (``受到警告或者不满5万元罚款处罚，列入活动异常名录``)."""
    text = _sentence(reason)
    title = situation(ground)
    short = GROUND_TITLES.get(ground, "")
    if not text or (title and title in text) or (short and short in text):
        return ""
    return text + "。"


def prior_notice_text(
    organization: Organization, *, ground: str, action: str, reason: str, records: Sequence[CreditRecord],
    authority: str, served_on: dt.date, transfer: bool = False, served_by: str = "",
    statement_due_on: dt.date | None = None, statement_working_days: int | None = None, contact: str = "",
    announced: bool = False,
) -> str:  # fmt: skip
    """列入事先告知书: facts, reasons, basis, the proposed decision and the right to state its case
    (with its period when ``statement_due_on`` is given, counted from the announcement when the notice
    is served by 互联网公告)."""
    codes = (ground, "R1.11") if transfer else (ground,)
    return render_text("list_prior_notice", {
        "addressee": addressee(organization), "situation": situation(ground), "action": action,
        "facts": facts(records, reason or situation(ground)), "reason": own_reason(reason, ground),
        "basis": printed_basis(*codes), "served_by": served_by, "contact": contact,
        "statement_due_on": zh_date(statement_due_on), "statement_working_days": statement_working_days,
        "announced": announced,
        "authority": authority, "date": zh_date(served_on),
    })  # fmt: skip


def decision_text(
    organization: Organization, *, kind: str, lst: str, ground: str, action: str, reason: str,
    records: Sequence[CreditRecord], authority: str, decided_on: dt.date, arose_on: dt.date | None = None,
    listed_on: dt.date | None = None, entry_number: str = "", applied_on: dt.date | None = None,
    verified_on: dt.date | None = None, prior_notice: tuple[dt.date, str] | None = None,
    statement: StatementLike | None = None, profile: PolicyProfile | None = None, restarts_clock: bool = True,
) -> str:  # fmt: skip
    """The decision document of a list decision (列入, 时限重新计算, 转入, 移出, 不予列入; 红名单).
    ``restarts_clock``: whether a new ground while listed restarts the listing period (R1.9, R1.13;
    ``lists.*.restart_on_new_event``); a restart decision says which."""
    template = {
        ListDecision.Kind.ENTRY: "red_entry" if lst == RED else "list_entry",
        ListDecision.Kind.RESTART: "list_restart",
        ListDecision.Kind.TRANSFER: "list_transfer",
        ListDecision.Kind.REMOVAL: "red_removal" if lst == RED else "list_removal",
        ListDecision.Kind.EXEMPTION: "list_exemption",
    }[kind]
    codes = [ground]
    if kind == ListDecision.Kind.TRANSFER:
        codes = ["R1.11", "R1.12(1)"]
    elif kind == ListDecision.Kind.RESTART:
        codes = [ground, "R1.13" if lst == SERIOUS else "R1.9"]
    elif kind == ListDecision.Kind.EXEMPTION:
        codes = [ground, "R1.8"]
    text_reason = (
        own_reason(reason, ground)
        if kind in (ListDecision.Kind.ENTRY, ListDecision.Kind.RESTART) and lst != RED
        else _sentence(reason)
    )
    return render_text(template, {
        "addressee": addressee(organization), "situation": situation(ground),
        "restart_situation": situation("R1.13" if lst == SERIOUS else "R1.9"),
        "exemption_situation": situation("R1.8"),
        "exemption_reason": "业务主管单位等有关部门已书面证明你单位对上述情形不负直接责任。",
        "action": action, "reason": text_reason, "facts": facts(records, text_reason or situation(ground)),
        "basis": printed_basis(*codes), "list_title": LIST_TITLES.get(lst, lst),
        "arose_on": zh_date(arose_on), "listed_on": zh_date(listed_on), "entry_number": entry_number,
        "applied_on": zh_date(applied_on), "verified_on": zh_date(verified_on), "prior_notice": {"date": zh_date(prior_notice[0]), "number": prior_notice[1]} if prior_notice else None,
        "statement": _statement(statement), "remedies": remedies(profile), "restarts_clock": restarts_clock,
        "authority": authority, "date": zh_date(decided_on),
    })  # fmt: skip
