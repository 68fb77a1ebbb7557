"""导出 of the credit evaluation's results: the current score and level of every organization in the
account's region (``access_scores``), optionally of one level and one region below it, as CSV or
XLSX (socredit.common.exports)."""

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
from socredit.apps.evaluation.access import access_scores
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
            yield [name, code, region, score, f"{level} {LEVEL_NAMES.get(level, '')}", as_of]

    headers = [_("Organization"), _("Unified social credit code"), _("Region"), _("Credit score"), _("Credit level"),
               _("Evaluated as of")]  # fmt: skip
    return export_response(fmt, name="credit-scores", title=_("Credit scores and levels"), headers=headers,
                           rows=rows())  # fmt: skip
