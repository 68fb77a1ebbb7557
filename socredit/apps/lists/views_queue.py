"""列入建议队列 pages: the queue of open proposals (paged, filtered, sorted, with a count per filter
value, HTMX live table), one proposal on its own page (the one place to serve the notice, confirm,
dismiss or exempt, with a refused form's errors at the top), and the bulk actions (serve prior
notices or confirm decisions for many organizations, each its own document and number).

Each view: parse → access_* (404 outside the region) → service (the only writer) → render.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from socredit.apps.lists import presentation, services
from socredit.apps.lists.access import access_proposals
from socredit.apps.lists.forms import ConfirmForm, DismissForm, ExemptForm, NoticeForm, _date
from socredit.apps.lists.models import LIST_LABELS, RED_GROUND, ListProposal
from socredit.apps.lists.queue import BULK_CAP, SORTS, ProposalQueue, facet_links
from socredit.apps.records.access import access_records
from socredit.apps.records.forms import ServiceErrorsMixin
from socredit.common.access import get_or_404
from socredit.common.errors import FieldErrors
from socredit.common.htmx import render_page_or_partial
from socredit.common.paging import page_number

FORM_CLASSES = {"notice": NoticeForm, "confirm": ConfirmForm, "dismiss": DismissForm, "exempt": ExemptForm}


class BulkForm(ServiceErrorsMixin, forms.Form):
    """批量处理: serve written prior notices or confirm decisions for the selected proposals."""

    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        choices=[
            ("notice", gettext_lazy("Serve written prior notices")),
            ("confirm", gettext_lazy("Confirm the listings")),
        ],
    )
    day = _date(gettext_lazy("Served / decided on"))
    number_pattern = forms.CharField(
        label=gettext_lazy("Document number pattern"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("{seq} is replaced by the sequence number, e.g. 金民告〔2026〕{seq}号"),
    )
    start = forms.IntegerField(label=gettext_lazy("First sequence number"), required=False, min_value=1)
    authority = forms.CharField(label=gettext_lazy("Authority"), required=False, max_length=100)
    all_matching = forms.BooleanField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["all_matching"].label = _("All proposals matching the filters (at most %(n)s)") % {
            "n": BULK_CAP
        }


def _ground_title(code: str) -> str:
    return str(_("Meets the red-list criteria")) if code == RED_GROUND else services.ground_title(code)


def _queue_context(request: HttpRequest, data: QueryDict, bulk: BulkForm | None = None) -> dict[str, Any]:
    queue = ProposalQueue(request.user, data)
    page = queue.page(page_number(request))
    facets = queue.facets()
    query = data.copy()
    query.pop("page", None)
    facet_links(facets, query)
    for p in page.rows:
        p.ground_title = _ground_title(p.ground)
        p.list_title = LIST_LABELS.get(p.list, p.list)
        p.age_days = (queue.day - p.arose_on).days
    back = query.urlencode()
    return {
        "queue": queue,
        "form": queue.form,
        "page": page,
        "facets": facets,
        "total": queue.total(facets),
        "query": back,
        "back": back,
        "sorts": SORTS,
        "bulk": bulk or BulkForm(initial={"day": services.today(), "start": 1}),
        "bulk_cap": BULK_CAP,
        "can_write": request.user.can_write,
    }


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    """列入建议队列: the open proposals in the account's region, oldest ground first, 25 a page."""
    context = _queue_context(request, request.GET)
    response = render_page_or_partial(
        request, "lists/proposal_list.html", "lists/partials/_proposal_queue.html", context
    )
    if not context["queue"].valid:
        response.status_code = 400
    return response


def proposal_page(request: HttpRequest, pk: int, bound: dict[str, forms.Form] | None = None) -> HttpResponse:
    """One proposal with its facts, records, notices and (for writers) the four forms; ``bound``
    holds the form that was refused, shown open at the top with its errors (400)."""
    bound = bound or {}
    records = access_records(request.user).select_related("kind", "department").order_by("occurred_on", "id")
    p = get_or_404(
        access_proposals(request.user).prefetch_related(Prefetch("records", queryset=records), "notices"),
        pk=pk,
    )
    day = services.today()
    p.ground_title = _ground_title(p.ground)
    p.legal_basis = presentation.legal_basis(p.ground, day)
    p.list_title = LIST_LABELS.get(p.list, p.list)
    notices = list(p.notices.all())
    forms_ = {
        "notice": bound.get("notice") or NoticeForm(row=p.pk, initial={"served_on": day}),
        "confirm": bound.get("confirm") or ConfirmForm(row=p.pk, initial={"decided_on": day}),
        "dismiss": bound.get("dismiss") or DismissForm(row=p.pk),
        "exempt": bound.get("exempt") or ExemptForm(row=p.pk, initial={"decided_on": day}),
    }
    refused = next(iter(bound), None)
    opened = refused or ("confirm" if notices or not p.notice_required else "notice")
    back = QueryDict(request.GET.get("back", "")).urlencode()  # re-encoded: only a query string
    context = {
        "p": p,
        "proposal": p,  # the name the statement partial (lists/partials/_statement.html) reads
        "notices": notices,
        "forms": forms_,
        "refused": refused,
        "refused_form": bound.get(refused) if refused else None,
        "opened": opened,
        "is_open": p.status == ListProposal.Status.PROPOSED,
        "can_write": request.user.can_write,
        "back": back,
        "back_param": urlencode({"back": back}) if back else "",
        "replacement": p.superseded_by if p.superseded_by_id else None,
        "today": day,
    }
    return render(request, "lists/proposal_detail.html", context, status=400 if bound else 200)


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """列入建议: one proposal on its own page, with a link back to the queue keeping its filters."""
    return proposal_page(request, pk)


@require_POST
@login_required
def proposal_bulk(request: HttpRequest) -> HttpResponse:
    """批量处理: the selected proposals (or all matching the filters, up to the cap), each decided by the
    per-proposal service in its own savepoint; the result page lists what was done and what was not."""
    if not request.user.can_write:
        raise PermissionDenied
    form = BulkForm(request.POST)
    query = QueryDict(request.POST.get("query", ""))
    ids: list[int] = []
    if form.is_valid():
        data = form.cleaned_data
        if data["all_matching"]:
            ids = ProposalQueue(request.user, query).matching_ids()
        else:
            raw = request.POST.getlist("ids")
            bad = [v for v in raw if not v.isdigit()]
            if bad:
                form.add_error(None, _("Not a proposal number: %(values)s") % {"values": ", ".join(bad[:5])})
            ids = [int(v) for v in raw if v.isdigit()]
        if not form.errors:
            verb = services.bulk_serve_notices if data["action"] == "notice" else services.bulk_confirm
            day_field = "served_on" if data["action"] == "notice" else "decided_on"
            try:
                result = verb(
                    request.user, ids, number_pattern=data["number_pattern"], start=data["start"],
                    authority=data["authority"] or None, **{day_field: data["day"]},
                )  # fmt: skip
            except FieldErrors as exc:
                exc.errors = {("day" if k == day_field else k): v for k, v in exc.errors.items()}
                form.add_service_errors(exc)
            else:
                context = {"result": result, "back": query.urlencode(), "can_write": True}
                status = 200 if result.done else 400
                return render(request, "lists/proposal_bulk_result.html", context, status=status)
    context = _queue_context(request, query, bulk=form)
    context["bulk_open"] = True
    return render(request, "lists/proposal_list.html", context, status=400)
