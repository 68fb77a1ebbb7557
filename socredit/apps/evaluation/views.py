"""Staff pages of the credit evaluation: an organization's credit panel, the "what if" panel,
batch runs, and the indicator models in readable form.

Each view: parse → access_* (404 outside the region) → service → render. The scores shown are
computed on the fly by ``services.explain_organization`` (the same function the live update and
the batch use), so the page never disagrees with the stored result for the same date and model.
An unusable date or model is a 400 whose panel says, in Chinese, what is wrong.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from socredit.apps.accounts.models import StaffRole
from socredit.apps.evaluation import services
from socredit.apps.evaluation.access import access_level_changes, access_run, access_runs, access_score
from socredit.apps.evaluation.forms import CreditQueryForm, RunForm, WhatIfForm, model_choices
from socredit.apps.evaluation.indicators import (
    UnknownModel,
    available_models,
    cause_text,
    default_version,
    get_model,
)
from socredit.apps.records.access import access_records, record_kinds
from socredit.apps.registry.access import access_organization
from socredit.common.access import scope_path_of
from socredit.common.choices import label_for
from socredit.common.htmx import render_page_or_partial
from socredit.core.scoring.evaluate import EvaluationInputError, Explanation
from socredit.core.scoring.facts import from_day_number
from socredit.core.scoring.figures import figure_label
from socredit.core.scoring.model import IndicatorModel
from socredit.core.types import DishonestyClass, Polarity, RecordStatus

HISTORY_SHOWN = 50
RUNS_SHOWN = 50
RUN_CHANGES_SHOWN = 100


def can_start_runs(user: Any) -> bool:
    """Batch runs are started by administrators who may write (and superusers)."""
    return bool(user.is_superuser or (user.can_write and user.staff_role == StaffRole.ADMIN))


def _form_errors(form: Any) -> list[str]:
    return [str(m) for errors in form.errors.values() for m in errors]


def _contributions(user: Any, ex: Explanation, model: IndicatorModel) -> list[dict[str, Any]]:
    """The records that counted, with their points, newest first, each joined to its record row."""
    if ex.contributions is None or not ex.contributions.height:
        return []
    rows = ex.contributions.sort(["day", "record_id"], descending=True).to_dicts()
    records = access_records(user).in_bulk([r["record_id"] for r in rows])
    names = {i.id: i.name for i in model.indicators}
    return [
        {
            "record": records.get(r["record_id"]),
            "record_id": r["record_id"],
            "indicator": names.get(r["indicator"], r["indicator"]),
            "points": r["points"],
            "counted": r["counted"],
            "day": from_day_number(r["day"]),
        }
        for r in rows
    ]


def _history(user: Any, organization: Any) -> list[Any]:
    """Level changes, newest first, each with the text of what caused the new level."""
    reasons: dict[str, dict[str, str]] = {}
    changes = list(access_level_changes(user, organization)[:HISTORY_SHOWN])
    for change in changes:
        change.cause_text = cause_text(change.cause, change.model_version, reasons)
    return changes


@login_required
def organization_credit(request: HttpRequest, code: str) -> HttpResponse:
    """信用评价 panel: score, level and why, breakdown chart, counted records, level history."""
    org = access_organization(request.user, code)
    form = CreditQueryForm(request.GET)
    context: dict[str, Any] = {
        "org": org,
        "form": form,
        "models": model_choices(),
        "default_model": default_version(),
        "today": services.today(),
    }
    errors = _form_errors(form) if not form.is_valid() else []
    if not errors:
        as_of, version = form.cleaned_data["as_of"], form.cleaned_data["model"]
        try:
            model = get_model(version)
            explanation = services.explain_organization(org, as_of=as_of, model_version=model.version)
        except (EvaluationInputError, UnknownModel) as exc:
            errors = [str(exc)]
        else:
            context.update(
                model=model,
                explanation=explanation,
                as_of=as_of or services.today(),
                # not what is stored: another day or another model than the live update uses
                custom=(as_of not in (None, services.today())) or model.version != default_version(),
                stored=access_score(request.user, org),
                contributions=_contributions(request.user, explanation, model),
                history=_history(request.user, org),
            )
    context["errors"] = errors
    response = render_page_or_partial(
        request, "evaluation/organization_credit.html", "evaluation/partials/_credit_panel.html", context
    )
    if errors:
        response.status_code = 400
    return response


def _what_if_candidates(user: Any, organization: Any) -> list[Any]:
    """The organization's effective negative records: what a repair or an objection would take away."""
    return list(
        access_records(user)
        .filter(
            organization=organization,
            is_current=True,
            status=RecordStatus.EFFECTIVE.value,
            kind__polarity=Polarity.NEGATIVE.value,
        )  # fmt: skip
        .order_by("-occurred_on", "-id")
    )


def _points_today(records: list[Any], current: Explanation | None) -> None:
    """Give each record ``.current_points``: what it counts for now (None: it does not count)."""
    points: dict[int, int] = {}
    if current is not None and current.contributions is not None:
        frame = current.contributions
        points = dict(zip(frame["record_id"].to_list(), frame["points"].to_list(), strict=True))
    for record in records:
        record.current_points = points.get(record.pk)


@login_required
@require_http_methods(["GET", "POST"])
def what_if(request: HttpRequest, code: str) -> HttpResponse:
    """假设分析: the score and level today with and without the chosen records (nothing is written).

    Without ``exclude`` it shows the choice (the effective negative records and what each counts
    for); only records of this organization may be left out, anything else is a 400 that says so.
    """
    org = access_organization(request.user, code)
    data = request.POST if request.method == "POST" else request.GET
    own_ids = access_records(request.user).filter(organization=org).values_list("pk", flat=True)
    form = WhatIfForm(data if "exclude" in data else None, record_ids=own_ids)
    errors = _form_errors(form) if form.is_bound and not form.is_valid() else []
    result, current, model = None, None, None
    try:
        model = get_model(data.get("model") or None)
        if form.is_bound and not errors:
            result = services.what_if(org, form.cleaned_data["exclude"], model_version=model.version)
            current = result.current
        else:
            current = services.explain_organization(org, model_version=model.version)
    except (EvaluationInputError, UnknownModel) as exc:
        errors.append(str(exc))
    candidates = _what_if_candidates(request.user, org)
    _points_today(candidates, current)
    context = {
        "org": org,
        "form": form,
        "candidates": candidates,
        "result": result,
        "model": model,
        "excluded": set(result.excluded) if result else set(),
        "errors": errors,
    }
    response = render_page_or_partial(
        request, "evaluation/what_if.html", "evaluation/partials/_what_if.html", context
    )
    if errors:
        response.status_code = 400
    return response


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    """评价批次: the batch runs within the account's region, newest first."""
    context = {
        "runs": access_runs(request.user)[:RUNS_SHOWN],
        "can_start": can_start_runs(request.user),
        "models": available_models(),
        "default_model": default_version(),
    }
    return render(request, "evaluation/run_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def run_start(request: HttpRequest) -> HttpResponse:
    """Start a batch evaluation (administrators): checked inputs, then the run, then its page."""
    if not can_start_runs(request.user):
        raise PermissionDenied
    form = RunForm(request.POST or None, scope_path=scope_path_of(request.user) or "")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # services.run_evaluation in its two steps, so that a run that fails while evaluating
            # is still shown (marked failed, with its error) instead of a bare server error.
            run = services.start_run(actor=request.user, channel="form", as_of=data["as_of"],
                                     model_version=data["model"], region=data["region"])  # fmt: skip
        except (EvaluationInputError, UnknownModel) as exc:
            form.add_error("as_of" if isinstance(exc, EvaluationInputError) else "model", str(exc))
        else:
            try:
                services.execute_run(run)
            except Exception:  # any failure: execute_run has marked the run failed with the error
                messages.error(
                    request, _("Evaluation run of %(day)s failed; see the error below.") % {"day": run.as_of}
                )
            else:
                messages.success(request, _("Evaluation run of %(day)s finished.") % {"day": run.as_of})
            return redirect("evaluation:run_detail", pk=run.pk)
    return render(request, "evaluation/run_start.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = access_run(request.user, pk)
    changes = list(
        access_level_changes(request.user).filter(run=run).select_related("organization")[:RUN_CHANGES_SHOWN]
    )
    reasons: dict[str, dict[str, str]] = {}
    for change in changes:
        change.cause_text = cause_text(change.cause, change.model_version, reasons)
    context = {
        "run": run,
        "changes": changes,
        "more_changes": max(0, run.changed - RUN_CHANGES_SHOWN),
    }
    return render(request, "evaluation/run_detail.html", context)


@login_required
def model_detail(request: HttpRequest, version: str) -> HttpResponse:
    """An indicator model as a readable table: what counts, how much, for how long, and why."""
    try:
        model = get_model(version)
    except UnknownModel:
        raise Http404 from None
    kinds = {k.code: k.name for k in record_kinds()}
    groups = [
        {
            "group": g,
            "indicators": [
                {
                    "indicator": i,
                    "kinds": [(k, kinds.get(k, k), (i.by_kind or {}).get(k)) for k in i.kinds],
                    "by_class": [(label_for(DishonestyClass, c), p) for c, p in (i.by_class or {}).items()],
                    "figure": figure_label(i.figure, get_language()) if i.figure else "",
                }
                for i in model.indicators
                if i.group == g.id
            ],
        }
        for g in model.groups
    ]
    rules = [{"rule": r, "kinds": [kinds.get(k, k) for k in r.kinds]} for r in model.level_rules]
    bands = []
    high = model.max_score
    for lv in model.levels:
        bands.append({"level": lv, "low": lv.min_score, "high": high})
        high = lv.min_score - 1
    context = {
        "model": model,
        "groups": groups,
        "bands": bands,
        "rules": rules,
        "is_default": model.version == default_version(),
        "models": available_models(),
    }
    return render(request, "evaluation/model_detail.html", context)
