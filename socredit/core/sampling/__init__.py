"""双随机、一公开 — the random draw of organizations to check and of the inspectors who check them.

Pure functions, no framework: ``rates`` (the legal floors of the authority's level and the rate of
each organization by credit level, field and lists), ``draw`` (the stratified draw, reproducible
from a published seed) and ``assign`` (inspectors drawn at random for each sampled organization,
never with a conflict, the load spread as evenly as the conflicts allow). The spot-check app
(``socredit.apps.spotchecks``) reads the database into these types and writes the results back;
anyone holding the seed and the frame can re-run the draw (``manage.py spotchecks audit``).
"""

from socredit.core.sampling.assign import (
    AssignmentError,
    assign_inspectors,
    max_load,
    replacement_inspector,
)
from socredit.core.sampling.draw import (
    METHOD,
    DrawError,
    DrawResult,
    Selection,
    StratumOutcome,
    Subject,
    draw,
    frame_digest,
    frame_from_text,
    frame_text,
    seed_key,
)
from socredit.core.sampling.rates import (
    Floors,
    SamplingRates,
    authority_floor_key,
    floors,
    stratum_key,
    subject_rate,
)

__all__ = [
    "METHOD",
    "AssignmentError",
    "DrawError",
    "DrawResult",
    "Floors",
    "SamplingRates",
    "Selection",
    "StratumOutcome",
    "Subject",
    "assign_inspectors",
    "authority_floor_key",
    "draw",
    "floors",
    "frame_digest",
    "frame_from_text",
    "frame_text",
    "max_load",
    "replacement_inspector",
    "seed_key",
    "stratum_key",
    "subject_rate",
]
