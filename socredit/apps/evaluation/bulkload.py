"""批量载入 — a raw load of organizations and scores (demo data, benchmark databases, a copy into
PostgreSQL) with the derived tables rebuilt once at the end instead of row by row: the search index
(registry) and the maintained level counts (evaluation). See `socredit.common.bulkload`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from socredit.apps.evaluation.counts import ORGS, SCORES, rebuild_counts
from socredit.apps.registry.search import rebuild_index
from socredit.common.bulkload import triggers_suspended


@contextmanager
def loading_in_bulk() -> Iterator[None]:
    """Within the block, raw inserts into the organization and score tables skip their triggers;
    after it, the search index and the level counts are rebuilt from the tables (not on an error:
    the caller's transaction is rolled back or the scratch database dropped)."""
    with triggers_suspended(ORGS, SCORES):
        yield
    rebuild_index()
    rebuild_counts()
