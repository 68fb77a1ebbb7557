"""Prior notice before listing (R1.5) and the "address unreachable" test (R1.7).

R1.5 [DRAFT-ONLY]: before listing on either list the authority notifies the organization in writing
of the facts, reasons and legal basis and of its rights; where the registered address is
unreachable, by internet announcement. ``notice_required(params)`` says whether the profile keeps
this step; every entry proposal carries it (``Proposal.notice_required``).

R1.7 [DRAFT-ONLY; 15–30 days UNVERIFIED]: two special letters (专用信函) mailed to the registered
address, both not signed for (无人签收), establish that the organization cannot be reached there;
the number of letters is the profile's ``lists.abnormal.mail_letters``.
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


_TIMES = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五"}


def address_unreachable_established(
    mailings: Iterable[Mailing], params: ListParameters
) -> UnreachableFinding:
    """R1.7: ``mail_letters`` consecutive special letters (two in the national profile), all
    unsigned, each sent ``mail_interval_min_days`` to ``mail_interval_max_days`` days (inclusive)
    after the one before it."""
    ordered = sorted(mailings, key=lambda m: m.sent_on)
    lo, hi, n = params.mail_interval_min_days, params.mail_interval_max_days, params.mail_letters
    times = _TIMES.get(n, str(n))
    last_reason = f"须连续{times}次邮寄专用信函均无人签收" + (f"，且每次间隔{lo}至{hi}日" if n > 1 else "")
    for start in range(len(ordered) - n + 1):
        run = ordered[start : start + n]
        if any(m.signed for m in run):
            continue
        gaps = [(b.sent_on - a.sent_on).days for a, b in zip(run, run[1:], strict=False)]
        outside = [g for g in gaps if not lo <= g <= hi]
        if outside:
            last_reason = f"专用信函间隔{outside[0]}日，不在{lo}至{hi}日之内"
            continue
        dates = "、".join(str(m.sent_on) for m in run)
        spacing = f"，间隔{'、'.join(f'{g}日' for g in gaps)}" if gaps else ""
        return UnreachableFinding(
            True,
            f"{times}次专用信函（{dates}{spacing}）均无人签收，通过登记的住所无法取得联系",
            run[-1].returned_on or run[-1].sent_on,
            tuple(run),
        )
    return UnreachableFinding(False, last_reason)


__all__ = ["Mailing", "UnreachableFinding", "address_unreachable_established", "notice_required"]
