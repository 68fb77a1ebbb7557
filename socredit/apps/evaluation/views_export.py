"""导出 of the credit evaluation's results, as CSV or XLSX (socredit.common.exports): the current score
and level of every organization in the account's region (``access_scores``), optionally of one level
and one region below it; and the level changes of one evaluation run (which organizations moved from
which level to which), within the account's region (``access_run``, ``access_level_changes``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socredit.apps.audit.services import record_download
from socredit.apps.evaluation.access import access_level_changes, access_run, access_scores
from socredit.apps.evaluation.indicators import cause_text
from socredit.common.exports import EXPORT_CHUNK, export_refusal, export_response, refused_filter
from socredit.core.scoring.model import LEVEL_CODES, LEVEL_NAMES


class ScoreExportForm(forms.Form):
    """``?level=&region=`` of the scores' export."""

    level = forms.ChoiceField(label=gettext_lazy("Credit level"), required=False,
                              choices=[("", ""), *[(c, c) for c in LEVEL_CODES]])  # fmt: skip
    region = forms.RegexField(label=gettext_lazy("Region code"), required=False, regex=r"^\d{6}$")


@login_required
def score_export(request: HttpRequest, fmt: str) -> HttpResponse:
    form = ScoreExportForm(request.GET)
    back = reverse("evaluation:run_list")
    if not form.is_valid():
        return refused_filter(request, form, back)
    queryset = access_scores(request.user)
    if form.cleaned_data["level"]:
        queryset = queryset.filter(level=form.cleaned_data["level"])
    if form.cleaned_data["region"]:
        queryset = queryset.filter(organization__region__path__contains=f"/{form.cleaned_data['region']}/")
    queryset = queryset.order_by("-score", "organization__name", "pk")
    if refusal := export_refusal(request, fmt, queryset, back):
        return refusal
    record_download(request.user, file="export_scores", target=None, name=_("Credit scores and levels"),
                    query=request.GET.urlencode())  # fmt: skip
    columns = (
        "organization__name",
        "organization__code",
        "organization__region__name",
        "score",
        "level",
        "as_of",
    )

    def rows() -> Iterator[list[Any]]:
        for name, code, region, score, level, as_of in queryset.values_list(*columns).iterator(
            chunk_size=EXPORT_CHUNK
        ):
            yield [name, code, region, score, _level(level), as_of]

    headers = [_("Organization"), _("Unified social credit code"), _("Region"), _("Credit score"), _("Credit level"),
               _("Evaluated as of")]  # fmt: skip
    return export_response(fmt, name="credit-scores", title=_("Credit scores and levels"), headers=headers,
                           rows=rows())  # fmt: skip


def _level(code: str) -> str:
    return f"{code} {LEVEL_NAMES.get(code, '')}" if code else ""


@login_required
def run_change_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The level changes of one run, as its page lists them (all of them, not the first hundred)."""
    run = access_run(request.user, pk)
    back = reverse("evaluation:run_detail", args=[run.pk])
    queryset = access_level_changes(request.user).filter(run=run).order_by("organization__name", "pk")
    if refusal := export_refusal(request, fmt, queryset, back):
        return refusal
    title = _("Level changes of the evaluation run of %(day)s") % {"day": run.as_of.isoformat()}
    record_download(request.user, file="export_level_changes", target=None, name=title, query=f"run={run.pk}")
    columns = ("organization__name", "organization__code", "organization__region__name", "from_level", "to_level",
               "from_score", "to_score", "cause", "model_version", "as_of")  # fmt: skip
    reasons: dict[str, dict[str, str]] = {}

    def rows() -> Iterator[list[Any]]:
        for (
            name,
            code,
            region,
            before,
            after,
            score_before,
            score_after,
            cause,
            version,
            as_of,
        ) in queryset.values_list(*columns).iterator(chunk_size=EXPORT_CHUNK):
            yield [name, code, region, _level(before), _level(after), score_before, score_after,
                   cause_text(cause, version, reasons), as_of]  # fmt: skip

    headers = [_("Organization"), _("Unified social credit code"), _("Region"), _("Level before"), _("Level after"),
               _("Score before"), _("Score after"), _("Level decided by"), _("Evaluated as of")]  # fmt: skip
    return export_response(fmt, name=f"level-changes-{run.as_of:%Y%m%d}", title=title, headers=headers,
                           rows=rows())  # fmt: skip
