"""Which indicator model an evaluation uses, checked against the record kinds that exist."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from socredit.apps.records.models import RecordKind
from socredit.core.citations import public_text
from socredit.core.config import Library
from socredit.core.scoring.model import IndicatorModel, model_library

_cache: dict[frozenset[str], Library[IndicatorModel]] = {}


class UnknownModel(ValueError):
    """An indicator-model version that is not installed."""


def kind_ids() -> dict[str, int]:
    """Record-kind code → id, as used in the packed facts."""
    return dict(RecordKind.objects.values_list("code", "id"))


_recent_kinds: tuple[float, dict[str, int]] = (-1e9, {})
RECENT_KINDS_SECONDS = 5.0


def recent_kind_ids() -> dict[str, int]:
    """kind_ids() as read at most RECENT_KINDS_SECONDS ago in this process: for choosing a model on a
    read path (the credit API), where a query per request for reference data that changes once a
    year would be a third of the work. Writers and computations use kind_ids() itself."""
    global _recent_kinds
    now = time.monotonic()
    if now - _recent_kinds[0] > RECENT_KINDS_SECONDS:
        _recent_kinds = (now, kind_ids())
    return _recent_kinds[1]


def library(kinds: dict[str, int] | None = None) -> Library[IndicatorModel]:
    """The shipped models, checked against the record kinds in the database (cached per kind set)."""
    codes = frozenset(kinds if kinds is not None else kind_ids())
    if codes not in _cache:
        lib = model_library(known_kinds=codes)
        extra = settings.SOCREDIT_MODELS_DIR
        if extra:
            # An authority's own models; a wrong file stops here with its line (ConfigError).
            for path in sorted(Path(extra).glob("*.toml")):
                lib.add_text(path.read_text(encoding="utf-8"), source=str(path))
        _cache.clear()
        _cache[codes] = lib
    return _cache[codes]


def check_model_text(text: str, source: str) -> IndicatorModel:
    """Check a model file against the record kinds in the database; ConfigError with the line if wrong."""
    return library().check_text(text, source=source)


def default_version() -> str:
    """The model the authority uses unless told otherwise (setting SOCREDIT_CREDIT_MODEL)."""
    return str(settings.SOCREDIT_CREDIT_MODEL)


def get_model(version: str | None = None, kinds: dict[str, int] | None = None) -> IndicatorModel:
    """The model ``version`` (default: the configured one); UnknownModel naming the versions there are."""
    lib = library(kinds)
    wanted = version or default_version()
    try:
        model = lib.get(wanted)
    except KeyError:
        available = "、".join(m.version for m in lib.versions())
        raise UnknownModel(f"未知的评价模型版本 “{wanted}”，可用：{available}") from None
    if (translation.get_language() or "").startswith("en"):
        # names and reasons in English where the model file gives them (kept per model object)
        kept = _english_models.get(model.version)
        if kept is None or kept[0] is not model:  # a reloaded library gives new model objects
            kept = _english_models[model.version] = (model, model.in_english())
        return kept[1]
    return model


_english_models: dict[str, tuple[IndicatorModel, IndicatorModel]] = {}
"""Each model version's English copy, beside the model object it was made from."""


def available_models() -> list[IndicatorModel]:
    lib = library()
    return [lib.get(m.version) for m in lib.versions()]


def cause_text(cause: str, version: str, reasons: dict[str, dict[str, str]]) -> str:
    """What decided a level in words: the score thresholds, or the level rule's reason in the model
    the level was computed with (``reasons`` caches each model's reasons; an unknown model or rule
    keeps its name)."""
    if cause == "score":
        return _("score thresholds")
    if version not in reasons:
        try:
            reasons[version] = {r.id: public_text(r.reason) for r in get_model(version).level_rules}
        except UnknownModel:
            reasons[version] = {}
    return reasons[version].get(cause, cause)
