"""Prior notice before listing (R1.5) and the "address unreachable" test (R1.7).

R1.5 [DRAFT-ONLY]: before listing on either list the authority notifies the organization in writing
of the facts, reasons and legal basis and of its rights; where the registered address is
unreachable, by internet announcement. ``notice_required(params)`` says whether the profile keeps
this step; every entry proposal carries it (``Proposal.notice_required``).

R1.7 [DRAFT-ONLY; 15–30 days UNVERIFIED]: two special letters (专用信函) mailed to the registered
address, both not signed for (无人签收), establish that the organization cannot be reached there.
The interval is counted between the two mailing dates, in days, both bounds included ("不少于15日
不超过30日"). A letter that was signed for in between breaks the pair: the two letters must be
consecutive mailings.

R1.8 [DRAFT-ONLY]: the exemption on a written certificate of no direct responsibility is
discretionary ("可以"): it is a staff decision recorded as ``Proposal.exempted_by_certificate``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from socredit.core.lists.engine import notice_required
from socredit.core.lists.params import ListParameters


@dataclass(frozen=True)
class Mailing:
    """One special letter to the registered address."""

    sent_on: dt.date
    signed: bool
    """Signed for (签收) by the organization."""
    returned_on: dt.date | None = None
    """Day the unsigned letter came back; the day the fact is established, when known."""


@dataclass(frozen=True)
class UnreachableFinding:
    established: bool
    reason: str
    established_on: dt.date | None = None
    mailings: tuple[Mailing, ...] = ()
    basis: str = "rules.md R1.7；民政部令第60号（征求意见稿第十一条，终稿条号待核）［DRAFT-ONLY］"


def address_unreachable_established(
    mailings: Iterable[Mailing], params: ListParameters
) -> UnreachableFinding:
    """R1.7: two consecutive special letters, both unsigned, sent ``mail_interval_min_days`` to
    ``mail_interval_max_days`` days apart (inclusive)."""
    ordered = sorted(mailings, key=lambda m: m.sent_on)
    lo, hi = params.mail_interval_min_days, params.mail_interval_max_days
    last_reason = f"须两次邮寄专用信函均无人签收，且间隔{lo}至{hi}日"
    for first, second in zip(ordered, ordered[1:], strict=False):
        if first.signed or second.signed:
            continue
        gap = (second.sent_on - first.sent_on).days
        if lo <= gap <= hi:
            return UnreachableFinding(
                True,
                f"两次专用信函（{first.sent_on}、{second.sent_on}，间隔{gap}日）均无人签收，通过登记的住所无法取得联系",
                second.returned_on or second.sent_on,
                (first, second),
            )
        last_reason = f"两次专用信函间隔{gap}日，不在{lo}至{hi}日之内"
    return UnreachableFinding(False, last_reason)


__all__ = ["Mailing", "UnreachableFinding", "address_unreachable_established", "notice_required"]
