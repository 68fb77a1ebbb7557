"""Evaluating many organizations at once on the fly (the batch credit API): one vectorised call.

The same steps as ``services.explain_organization`` (date check, model lookup, the facts read from
the records themselves, ``services._evaluate_orgs``), for a set of organizations instead of one,
so a batch answer equals the single answers. Nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from socredit.apps.evaluation import services, storage
from socredit.apps.evaluation.indicators import get_model, kind_ids
from socredit.apps.registry.models import Organization
from socredit.core.scoring.evaluate import Explanation, check_as_of
from socredit.core.scoring.model import IndicatorModel


@dataclass(frozen=True)
class BatchEvaluation:
    """The day, the model and an Explanation per organization id."""

    as_of: dt.date
    model: IndicatorModel
    explanations: dict[int, Explanation]


def evaluate_organizations(
    orgs: Iterable[Organization], *, as_of: dt.date | None = None, model_version: str | None = None
) -> BatchEvaluation:
    """Score ``orgs`` on ``as_of`` (default today) with ``model_version`` (default the configured one).

    Raises EvaluationInputError for a bad date and UnknownModel for a bad model version, like
    ``explain_organization``.
    """
    day = as_of or services.today()
    check_as_of(day, today=services.today())
    kinds = kind_ids()
    model = get_model(model_version, kinds=kinds)
    ids = sorted({int(o.pk) for o in orgs})
    if not ids:
        return BatchEvaluation(day, model, {})
    facts = storage.record_facts(ids)
    result = services._evaluate_orgs(ids, facts, day, model, kinds)
    return BatchEvaluation(day, model, {i: result.explain(i) for i in ids})
