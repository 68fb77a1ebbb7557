"""The public portal's pages (no sign-in): home, search, an organization's public credit profile and
the three published lists with their downloads. Every page reads through ``portal.public`` (what is
public is decided there); search and downloads are limited per client (``limits``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from socredit.apps.lists.models import LIST_LABELS, RED
from socredit.apps.portal import public
from socredit.apps.registry.regions import resolve_region
from socredit.common import clock
from socredit.common.choices import enum_choices
from socredit.common.exports import EXPORT_CHUNK, FORMATS, export_response
from socredit.common.limits import limited
from socredit.common.paging import Page, page_number
from socredit.core.lists.grounds import ABNORMAL, GROUNDS, SERIOUS
from socredit.core.scoring.model import LEVEL_CODES, LEVEL_NAMES
from socredit.core.search import MAX_QUERY
from socredit.core.types import OrgField, OrgType

LISTS = (ABNORMAL, SERIOUS, RED)
"""The published lists, in the order the home page shows them."""


# --- home and search ------------------------------------------------------------------------------


def _level_choices() -> list[tuple[str, str]]:
    return [("", _("Any"))] + [(c, f"{c} {LEVEL_NAMES[c]}") for c in LEVEL_CODES]


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Name or unified social credit code"), required=False,
                        max_length=MAX_QUERY)  # fmt: skip
    org_type = forms.ChoiceField(label=gettext_lazy("Type"), required=False)
    field = forms.ChoiceField(label=gettext_lazy("Field"), required=False)
    region = forms.CharField(label=gettext_lazy("Region"), required=False, max_length=64,
                             help_text=gettext_lazy("e.g. 金水区 or 410105"))  # fmt: skip
    level = forms.ChoiceField(label=gettext_lazy("Credit level"), required=False)

    def __init__(self, *args: Any, levels: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_type"].choices = _select_choices("org_type")
        self.fields["field"].choices = _select_choices("field")
        if levels:
            self.fields["level"].choices = _select_choices("level")
        else:
            del self.fields["level"]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """首页: the search box, the published lists, 举报 and the staff sign-in."""
    lists = [{"label": LIST_LABELS[k], "url": reverse("portal:list", args=[k])} for k in LISTS]
    return render(request, "portal/home.html", {"form": SearchForm(), "lists": lists})


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """Where a sign-in lands (LOGIN_REDIRECT_URL): staff on the organization list, an organization's
    account on its own credit file, anyone else on the sign-in page."""
    user = request.user
    if not user.is_authenticated:
        return HttpResponseRedirect(reverse("accounts:login"))
    if getattr(user, "is_org_account", False):
        return HttpResponseRedirect("/my/")
    return HttpResponseRedirect(reverse("registry:organization_list"))


def _options(choices: Any, chosen: Any) -> str:
    chosen = chosen or ""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((v, " selected" if v == chosen else "", label) for v, label in choices),
    )


def _select_choices(name: str) -> list[tuple[str, Any]]:
    """The choices of the search form's select ``name``, in the active language."""
    if name == "level":
        return _level_choices()
    return [("", _("Any")), *enum_choices(OrgType if name == "org_type" else OrgField)]


@lru_cache(maxsize=128)
def _select_options(name: str, chosen: str, language: str) -> str:
    """The ``<option>`` list of the select ``name`` with ``chosen`` selected, written once per process
    and language: the same few dozen options on every search page."""
    return _options(_select_choices(name), chosen)


@require_GET
@limited("search")
def search(request: HttpRequest) -> HttpResponse:
    """查询: name (two characters and up), former name or code; filters; pages with a total."""
    levels = public.levels_published()
    form = SearchForm(request.GET or None, levels=levels)
    result = None
    if form.is_bound:
        form.is_valid()  # the field errors are shown; public_search says what it cannot search
        data = request.GET
        result = public.public_search(
            data.get("q", "")[: MAX_QUERY + 1],
            org_type=data.get("org_type", ""),
            org_field=data.get("field", ""),
            region=data.get("region", ""),
            level=data.get("level", "") if levels else "",
            page=page_number(request, public.MAX_PAGE),
            any_levels_published=levels,
        )
        for name, message in result.errors.items():
            form.add_error(name if name in form.fields else None, message)
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    # the options written here, not by a loop of the template: the loop over the fields' twenty-odd
    # options was a fifth of the page's rendering
    language = get_language()
    selects = []
    for name in ("org_type", "field", "level"):
        if name in form.fields:
            chosen = request.GET.get(name, "")
            valid = chosen in {str(v) for v, _label in form.fields[name].choices}
            selects.append({"name": name, "label": form.fields[name].label,
                            "options": _select_options(name, chosen if valid else "", language)})  # fmt: skip
    # the profile address of each row is this prefix and its code: one reverse() per page, not per row
    # (25 reverses were about a tenth of a search page's time)
    profile_prefix = reverse("portal:profile", args=["0"])[:-2]
    context = {"form": form, "selects": selects, "result": result, "query": query, "profile_prefix": profile_prefix,
               "page": Page(result.rows, result.page, result.has_next, public.PER_PAGE) if result else None}  # fmt: skip
    return render(request, "portal/search.html", context, status=400 if form.errors else 200)


# --- profile --------------------------------------------------------------------------------------


@require_GET
def profile(request: HttpRequest, code: str) -> HttpResponse:
    """一企一档: everything public about one organization today; the 举报 link pre-filled."""
    org = public.public_organization(code)
    if org is None:
        raise Http404
    if org.code != code:
        return HttpResponseRedirect(reverse("portal:profile", args=[org.code]))
    data = public.public_profile(org)
    sections = [
        ("licences", _("Administrative licences")),
        ("penalties", _("Administrative penalties")),
        ("annual_reports", _("Annual reports")),
        ("inspections", _("Inspections")),
        ("grades", _("Evaluation grades")),
        ("commendations", _("Commendations")),
        ("other", _("Other credit information")),
    ]
    report = reverse("public:complaint_new") + "?" + urlencode({"org": org.code})
    context = {"p": data, "o": data["organization"], "sections": [(k, label, data["records"][k]) for k, label in sections],
               "report_url": report}  # fmt: skip
    return render(request, "portal/profile.html", context)


# --- lists ----------------------------------------------------------------------------------------

STATUS_CHOICES = [
    ("current", gettext_lazy("On the list now")),
    ("removed", gettext_lazy("Removed")),
    ("all", gettext_lazy("All")),
]


class ListFilterForm(forms.Form):
    region = forms.CharField(label=gettext_lazy("Region"), required=False, max_length=64,
                             help_text=gettext_lazy("e.g. 金水区 or 410105"))  # fmt: skip
    ground = forms.ChoiceField(label=gettext_lazy("Ground"), required=False)
    entered_from = forms.DateField(label=gettext_lazy("Listed from"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    entered_to = forms.DateField(label=gettext_lazy("Listed up to"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind == RED:
            del self.fields["ground"]
        else:
            self.fields["ground"].choices = [("", _("Any")), *ground_choices(kind)]

    def clean_region(self) -> Any:
        text = self.cleaned_data.get("region") or ""
        if not text:
            return None
        try:
            return resolve_region(text, None)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("entered_from"), data.get("entered_to")
        if low and high and low > high:
            self.add_error("entered_to", _("The end date is before the start date."))
        return data


def ground_choices(kind: str) -> list[tuple[str, str]]:
    """The grounds of a list by their words; the value is an opaque position, never the item code."""
    return [(str(i), g.title) for i, g in enumerate(GROUNDS) if g.list == kind]


def _list_rows(kind: str, form: ListFilterForm) -> Any:
    today = clock.today()
    qs = public.public_entries().filter(list=kind, entered_on__lte=today)
    data = form.cleaned_data
    status = data.get("status") or "current"
    current = qs.filter(publicity_suspended=False).exclude(left_on__lte=today)
    if status == "current":
        qs = current
    elif status == "removed":
        qs = qs.filter(left_on__lte=today)
    else:
        qs = current | qs.filter(left_on__lte=today)
    if data.get("region") is not None:
        qs = qs.filter(organization__region__path__startswith=data["region"].path)
    if data.get("ground"):
        qs = qs.filter(ground=GROUNDS[int(data["ground"])].code)
    if data.get("entered_from"):
        qs = qs.filter(entered_on__gte=data["entered_from"])
    if data.get("entered_to"):
        qs = qs.filter(entered_on__lte=data["entered_to"])
    return qs.select_related("organization__region", "entry_decision", "exit_decision").order_by(
        "-entered_on", "-id"
    )


def _rows(entries: list[Any]) -> list[dict[str, Any]]:
    names = public.region_names(sorted({e.organization.region.path for e in entries}))
    out = []
    for e in entries:
        row = public.listing(e)
        row.update(
            name=e.organization.name, code=e.organization.code, region=names[e.organization.region.path]
        )
        out.append(row)
    return out


def _check_list(kind: str) -> None:
    if kind not in LISTS:
        raise Http404


@require_GET
def list_page(request: HttpRequest, kind: str) -> HttpResponse:
    """名录公示: the members of one list, filtered and paged, with CSV and Excel downloads."""
    _check_list(kind)
    form = ListFilterForm(request.GET or None, kind=kind)
    page = None
    if not form.is_bound or form.is_valid():
        if not form.is_bound:
            form = ListFilterForm({}, kind=kind)
            form.is_valid()
        page = Page.of(_list_rows(kind, form), page_number(request), 25)
        page.object_list = _rows(page.object_list)
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    download = (
        reverse("portal:list_download", args=[kind, "csv"]),
        reverse("portal:list_download", args=[kind, "xlsx"]),
    )
    context = {"form": form, "page": page, "query": query, "kind": kind, "title": LIST_LABELS[kind],
               "export_csv": download[0], "export_xlsx": download[1]}  # fmt: skip
    return render(request, "portal/list.html", context, status=400 if form.errors else 200)


EXPORT_HEADERS = (
    gettext_lazy("Organization"),
    gettext_lazy("Unified social credit code"),
    gettext_lazy("Region"),
    gettext_lazy("Listed on"),
    gettext_lazy("Ground"),
    gettext_lazy("Legal basis"),
    gettext_lazy("Deciding authority"),
    gettext_lazy("Document number"),
    gettext_lazy("Removed on"),
    gettext_lazy("Ground of removal"),
    gettext_lazy("Removal document number"),
)


@require_GET
@limited("download")
def list_download(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """The list under the page's filter as CSV or XLSX (common/exports.py)."""
    _check_list(kind)
    if fmt not in FORMATS:
        raise Http404
    form = ListFilterForm(request.GET, kind=kind)
    if not form.is_valid():
        back = reverse("portal:list", args=[kind]) + "?" + request.GET.urlencode()
        return render(request, "portal/list.html", {"form": form, "page": None, "kind": kind,
                                                    "title": LIST_LABELS[kind], "back": back}, status=400)  # fmt: skip
    qs = _list_rows(kind, form)

    def rows() -> Iterator[list[Any]]:
        batch: list[Any] = []
        for e in qs.iterator(chunk_size=EXPORT_CHUNK):
            batch.append(e)
            if len(batch) >= EXPORT_CHUNK:
                yield from _export_lines(batch)
                batch = []
        yield from _export_lines(batch)

    return export_response(fmt, name=str(LIST_LABELS[kind]), title=str(LIST_LABELS[kind]),
                           headers=[str(h) for h in EXPORT_HEADERS], rows=rows())  # fmt: skip


def _export_lines(entries: list[Any]) -> Iterator[list[Any]]:
    for r in _rows(entries):
        yield [r["name"], r["code"], r["region"], _date(r["entered_on"]), r["ground"], r["legal_basis"],
               r["authority"], r["document_number"], _date(r["left_on"]), r["exit_ground"], r["exit_document_number"]]  # fmt: skip


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None
