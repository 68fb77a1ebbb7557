"""Template tags of complaints (举报), so that the generic case page can include the complaint partials
with nothing but ``case`` in its context: the reporter is fetched through ``access.reporter_for``
(by ``services.complaints.read_reporter``, which audits the reading) for the signed-in user (the assigned handler, no one else), never passed around."""

from __future__ import annotations

from typing import Any

from django import template

from socredit.apps.cases.models import Case, Reporter
from socredit.apps.cases.services import complaints
from socredit.apps.cases.views.complaints import available_actions

register = template.Library()


@register.simple_tag(takes_context=True)
def complaint_reporter(context: Any, case: Case) -> Reporter | None:
    """``{% complaint_reporter case as reporter %}``: the reporter for the assigned handler, else None;
    each showing is audited (``services.complaints.read_reporter``)."""
    request = context.get("request")
    if request is None:
        return None
    return complaints.read_reporter(getattr(request, "user", None), case, shown_on="case_page")


@register.simple_tag(takes_context=True)
def complaint_actions(context: Any, case: Case) -> dict[str, Any]:
    """``{% complaint_actions case as forms %}``: the action forms that apply now for the signed-in writer."""
    request = context.get("request")
    return available_actions(getattr(request, "user", None), case) if request is not None else {}
