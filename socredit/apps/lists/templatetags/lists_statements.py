"""``{% statement_block_for as sb %}``: the 陈述申辩 block of the proposal in the template's context
(``statement_block`` if the view built it, else computed for ``proposal`` or ``p``), so that
``lists/partials/_statement.html`` can be included from any proposal page with one line."""

from __future__ import annotations

from typing import Any

from django import template

from socredit.apps.lists.models import ListProposal

register = template.Library()


@register.simple_tag(takes_context=True)
def statement_block_for(context: Any) -> dict[str, Any] | None:
    from socredit.apps.lists.views_statements import statement_block

    built = context.get("statement_block")
    if built is not None:
        return built  # type: ignore[no-any-return]  # the context holds what the view built
    proposal = context.get("proposal") or context.get("p")
    if not isinstance(proposal, ListProposal):
        return None
    request = context.get("request")
    return statement_block(getattr(request, "user", None), proposal)


@register.simple_tag
def decision_statement_for(decision: Any) -> Any:
    """The 陈述申辩 in a listing decision's file: the statement or waiver, else the notice whose period
    ran out without one (``{"notice": …, "none": True}``), or None."""
    from socredit.apps.lists.services.statements import current_notice, decision_statement

    if decision is None:
        return None
    found = decision_statement(decision)
    if found is not None:
        return found
    proposal = decision.proposals.first()
    notice = current_notice(proposal) if proposal is not None else None
    if notice is None or notice.statement_due_on is None:
        return None
    return {"notice": notice, "none": True}
