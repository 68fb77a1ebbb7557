"""The bulk actions on the proposal queue (批量送达事先告知书 / 批量作出列入决定); the proposals of a
bulk write of records are written by ``bulk_proposals.write_proposals``.

The queue actions act on many organizations at
once, each still its own document with its own number, decided by the same per-proposal verbs
(``serve_notice``, ``confirm_proposal``), so every check of a single decision (prior notice, the
statement period, records still supporting the ground, dates) applies to each one.

Each proposal runs in its own savepoint: one that is refused is rolled back alone and reported with
the organization's name, code and the reason; the others stand. Proposals outside the account's
region, already decided or withdrawn are reported and never touched. Numbers come from a pattern
with ``{seq}`` (e.g. 金民异告〔2026〕{seq}号) counted up from a start for the proposals that
succeed, in the order given; a number already used by a document of the same kind refuses the whole
batch before anything is written. One audit event per document (from the per-proposal verb) and one
for the batch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from socredit.apps.audit.services import record_event
from socredit.apps.lists.access import access_proposals
from socredit.apps.lists.models import ListDecision, ListNotice, ListProposal
from socredit.apps.lists.services.proposals import confirm_proposal, serve_notice
from socredit.common.errors import FieldErrors

# --- bulk actions on the queue ----------------------------------------------------------------------

SEQ = "{seq}"
MAX_BATCH = 500


@dataclass(frozen=True)
class BulkFailure:
    """One proposal not acted on, with why (shown to the user as it is)."""

    proposal_id: int
    organization_name: str
    organization_code: str
    reason: str


@dataclass
class BulkResult:
    """What a bulk action did: the documents made (proposal, document) and the proposals refused."""

    action: str
    done: list[tuple[ListProposal, Any]] = field(default_factory=list)
    failed: list[BulkFailure] = field(default_factory=list)


def check_number_pattern(pattern: str, start: int | None) -> FieldErrors:
    """A number pattern holds ``{seq}`` exactly once and no other braces; the start is ≥ 1."""
    errors = FieldErrors()
    pattern = (pattern or "").strip()
    if not pattern:
        errors.add("number_pattern", gettext("Enter the document number pattern, e.g. 金民告〔2026〕{seq}号"))
    elif (
        pattern.count(SEQ) != 1 or pattern.replace(SEQ, "").count("{") or pattern.replace(SEQ, "").count("}")
    ):
        errors.add(
            "number_pattern",
            gettext(
                "The document number pattern must contain {seq} (the sequence number) exactly once, e.g. 金民告〔2026〕{seq}号"
            ),
        )
    if start is None or start < 1:
        errors.add("start", gettext("The first sequence number must be a positive whole number"))
    return errors


def number(pattern: str, seq: int) -> str:
    return pattern.strip().replace(SEQ, str(seq))


def _reason(exc: FieldErrors) -> str:
    return exc.messages()


def _select(actor: Any, ids: Sequence[int], result: BulkResult) -> list[ListProposal]:
    """The proposals the account may act on, in the given order; the others go to ``result.failed``."""
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        raise FieldErrors(__all__=gettext("Choose at least one listing proposal"))
    if len(wanted) > MAX_BATCH:
        raise FieldErrors(
            __all__=gettext("At most %(max_batch)s listing proposals at a time; %(count)s are chosen")
            % {"max_batch": MAX_BATCH, "count": len(wanted)}
        )
    visible = {p.pk: p for p in access_proposals(actor).filter(pk__in=wanted)}
    chosen = []
    for pk in wanted:
        p = visible.get(pk)
        if p is None:
            result.failed.append(
                BulkFailure(pk, "", "", f"列入建议（编号 {pk}）不存在或不在你的辖区内，未作处理")
            )
        elif p.status != ListProposal.Status.PROPOSED:
            why = p.withdrawal_reason if p.status == ListProposal.Status.WITHDRAWN else ""
            result.failed.append(
                BulkFailure(pk, p.organization.name, p.organization.code,
                            f"该建议已处理（{p.get_status_display()}{'：' + why if why else ''}），未作处理")
            )  # fmt: skip
        else:
            chosen.append(p)
    return chosen


def _run(
    actor: Any, action: str, ids: Sequence[int], pattern: str, start: int | None, used: Callable[[list[str]], set[str]],
    act: Callable[[ListProposal, str], Any], channel: str, data: dict[str, Any],
) -> BulkResult:  # fmt: skip
    result = BulkResult(action)
    errors = check_number_pattern(pattern, start)
    errors.raise_if_any()
    assert start is not None
    chosen = _select(actor, ids, result)
    taken = used([number(pattern, start + i) for i in range(len(chosen))])
    if taken:
        raise FieldErrors(
            start=gettext(
                "The document numbers %(join)s are already used; change the first sequence number or the pattern"
            )
            % {"join": "、".join(sorted(taken))}
        )
    seq = start
    for p in chosen:
        doc_number = number(pattern, seq)
        try:
            with transaction.atomic():  # a savepoint: a refused proposal is rolled back alone
                doc = act(p, doc_number)
        except (FieldErrors, ValueError) as exc:
            reason = _reason(exc) if isinstance(exc, FieldErrors) else str(exc)
            result.failed.append(BulkFailure(p.pk, p.organization.name, p.organization.code, reason))
            continue
        result.done.append((p, doc))
        seq += 1
    record_event(actor=actor, channel=channel, action=f"lists.bulk_{action}",
                 summary=f"批量{'送达事先告知书' if action == 'notice' else '作出列入决定'}："
                         f"{len(result.done)} 项完成，{len(result.failed)} 项未处理",
                 data={**data, "done": [p.pk for p, _d in result.done],
                       "documents": [d.document_number for _p, d in result.done],
                       "failed": [{"proposal": f.proposal_id, "reason": f.reason} for f in result.failed]})  # fmt: skip
    return result


@transaction.atomic
def bulk_serve_notices(
    actor: Any, proposal_ids: Sequence[int], *, served_on: dt.date | None, number_pattern: str, start: int | None,
    authority: str | None = None, channel: str = "form",
) -> BulkResult:  # fmt: skip
    """批量送达列入事先告知书 (R1.5), written notices, one per organization with its own number."""
    if served_on is None:
        raise FieldErrors(served_on=gettext("Enter the date of the notice"))

    def used(numbers: list[str]) -> set[str]:
        return set(
            ListNotice.objects.filter(document_number__in=numbers).values_list("document_number", flat=True)
        )

    def act(p: ListProposal, doc_number: str) -> ListNotice:
        return serve_notice(actor, p, ListNotice.Method.WRITTEN, served_on, doc_number, authority=authority or None,
                            channel=channel)  # fmt: skip

    return _run(actor, "notice", proposal_ids, number_pattern, start, used, act, channel,
                {"served_on": served_on, "pattern": number_pattern, "start": start})  # fmt: skip


@transaction.atomic
def bulk_confirm(
    actor: Any, proposal_ids: Sequence[int], *, decided_on: dt.date | None, number_pattern: str, start: int | None,
    authority: str | None = None, channel: str = "form",
) -> BulkResult:  # fmt: skip
    """批量作出列入决定: each proposal confirmed as proposed, one decision and number per organization."""
    if decided_on is None:
        raise FieldErrors(decided_on=gettext("Enter the date of the decision"))

    def used(numbers: list[str]) -> set[str]:
        return set(
            ListDecision.objects.filter(document_number__in=numbers).values_list("document_number", flat=True)
        )

    def act(p: ListProposal, doc_number: str) -> ListDecision:
        return confirm_proposal(actor, p, document_number=doc_number, decided_on=decided_on,
                                authority=authority or None, channel=channel)  # fmt: skip

    return _run(actor, "confirm", proposal_ids, number_pattern, start, used, act, channel,
                {"decided_on": decided_on, "pattern": number_pattern, "start": start})  # fmt: skip
