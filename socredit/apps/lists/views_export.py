"""导出 of the list tables: a list's members (the page's filter, now or on a past day), the open
proposals (the queue's filter and order) and the list decisions (by list, kind and dates), each
scoped by the same access_* functions as the pages, as CSV or XLSX (socredit.common.exports)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from socredit.apps.audit.services import record_download
from socredit.apps.lists.access import access_decisions
from socredit.apps.lists.forms import DecisionExportForm
from socredit.apps.lists.models import LIST_TITLES, RED_GROUND, ListDecision
from socredit.apps.lists.queue import ProposalQueue
from socredit.apps.lists.services import ground_title
from socredit.apps.lists.views import filtered_entries
from socredit.common.exports import EXPORT_CHUNK, export_refusal, export_response, refused_filter


def _ground(code: str) -> str:
    return _("Meets the red-list criteria") if code == RED_GROUND else ground_title(code)


def _titles() -> dict[str, str]:
    return {code: str(title) for code, title in LIST_TITLES.items()}


@login_required
def entry_export(request: HttpRequest, list: str, fmt: str) -> HttpResponse:  # noqa: A002
    """The members of one list, exactly as the list's page filters them."""
    if list not in LIST_TITLES:
        raise Http404
    form, queryset, as_of = filtered_entries(request.user, list, request.GET)
    back = f"{reverse('lists:entry_list', args=[list])}?{request.GET.urlencode()}"
    if form.errors:
        return refused_filter(request, form, back)
    if refusal := export_refusal(request, fmt, queryset, back):
        return refusal
    title = str(LIST_TITLES[list])
    record_download(
        request.user, file="export_list_members", target=None, name=title, query=request.GET.urlencode()
    )
    columns = ("organization__name", "organization__code", "organization__region__name", "entered_on", "ground",
               "entry_decision__document_number", "entry_decision__decided_on", "left_on")  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        for name, code, region, entered_on, ground, number, decided_on, left_on in queryset.values_list(
            *columns
        ).iterator(chunk_size=EXPORT_CHUNK):
            yield [name, code, region, entered_on, _ground(ground), number, decided_on, left_on]

    headers = [_("Organization"), _("Unified social credit code"), _("Region"), _("Entered on"), _("Ground"),
               _("Document number"), _("Decided on"), _("Left on")]  # fmt: skip
    return export_response(fmt, name=f"list-{list}", title=title, headers=headers, rows=rows())


@login_required
def proposal_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The open proposals, exactly as the queue filters and sorts them."""
    queue = ProposalQueue(request.user, request.GET)
    back = f"{reverse('lists:proposal_list')}?{request.GET.urlencode()}"
    if not queue.valid:
        return refused_filter(request, queue.form, back)
    queryset = queue.ordered()
    if refusal := export_refusal(request, fmt, queryset, back):
        return refusal
    record_download(request.user, file="export_proposals", target=None, name=_("Open proposals"),
                    query=request.GET.urlencode())  # fmt: skip
    titles = _titles()
    kind_name = (
        "trigger_kind__name_en" if (get_language() or "").startswith("en") else "trigger_kind__name_zh"
    )
    columns = ("organization__name", "organization__code", "list", "ground", "arose_on", "organization__region__name",
               kind_name, "notice_required", "notice_served_on", "needs_confirmation")  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        for (
            name,
            code,
            lst,
            ground,
            arose_on,
            region,
            kind,
            required,
            served_on,
            judgement,
        ) in queryset.values_list(*columns).iterator(chunk_size=EXPORT_CHUNK):
            notice = (_("served on %(day)s") % {"day": served_on.isoformat()} if served_on
                      else _("not served") if required and lst != "red" else _("not needed"))  # fmt: skip
            yield [name, code, titles.get(lst, lst), _ground(ground), arose_on, region, kind or "", notice,
                   _("yes") if judgement else _("no")]  # fmt: skip

    headers = [_("Organization"), _("Unified social credit code"), _("List"), _("Ground"), _("Ground arose on"),
               _("Region"), _("Record kind"), _("Prior notice"), _("Needs a staff judgement")]  # fmt: skip
    return export_response(fmt, name="proposals", title=_("Open proposals"), headers=headers, rows=rows())


@login_required
def decision_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The list decisions of the account's region, by list, kind and dates, newest first."""
    form = DecisionExportForm(request.GET)
    back = reverse("lists:entry_list", args=[request.GET.get("list") or "abnormal"])
    if not form.is_valid():
        return refused_filter(request, form, back)
    queryset = access_decisions(request.user)
    data = form.cleaned_data
    if data["list"]:
        queryset = queryset.filter(list=data["list"])
    if data["kind"]:
        queryset = queryset.filter(kind=data["kind"])
    if data["decided_from"]:
        queryset = queryset.filter(decided_on__gte=data["decided_from"])
    if data["decided_to"]:
        queryset = queryset.filter(decided_on__lte=data["decided_to"])
    queryset = queryset.order_by("-decided_on", "-id")
    if refusal := export_refusal(request, fmt, queryset, back):
        return refusal
    record_download(request.user, file="export_decisions", target=None, name=_("List decisions"),
                    query=request.GET.urlencode())  # fmt: skip
    titles, kinds = _titles(), {k: str(label) for k, label in ListDecision.Kind.choices}
    columns = ("organization__name", "organization__code", "organization__region__name", "list", "kind", "ground",
               "document_number", "decided_on", "authority_name", "legal_basis")  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        for (
            name,
            code,
            region,
            lst,
            kind,
            ground,
            number,
            decided_on,
            authority,
            basis,
        ) in queryset.values_list(*columns).iterator(chunk_size=EXPORT_CHUNK):
            yield [name, code, region, titles.get(lst, lst), kinds.get(kind, kind), _ground(ground) if ground else "",
                   number, decided_on, authority, basis]  # fmt: skip

    headers = [_("Organization"), _("Unified social credit code"), _("Region"), _("List"), _("Decision"),
               _("Ground"), _("Document number"), _("Decided on"), _("Deciding authority"), _("Legal basis")]  # fmt: skip
    return export_response(
        fmt, name="list-decisions", title=_("List decisions"), headers=headers, rows=rows()
    )
