"""Bulk reads and writes of the evaluation: fact blocks in, scores and level changes out.

These are the only places that speak SQL directly, because the ORM's per-row cost is what the
evaluation cannot afford at national scale (docs/credit-evaluation.md, "Performance"):

- facts are read as packed blocks (a few thousand rows for the whole country);
- results go to a temporary table in one statement per 500 rows on SQLite, or by COPY on
  PostgreSQL, and from there into the score table and the level history with two set-based
  statements, so the database does the comparison and the writing.

Callers hold the transaction; nothing here commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import polars as pl
from django.db import connection

from socredit.apps.evaluation import counts
from socredit.apps.evaluation.models import BLOCK_SIZE, CreditScore, FactBlock, LevelChange, ResultBlock
from socredit.apps.records import outbox
from socredit.apps.records.models import ChangeEvent, CreditRecord
from socredit.apps.registry.models import Organization, Region
from socredit.core.scoring.evaluate import NO_RULE, Evaluation
from socredit.core.scoring.facts import (
    COUNTED_STATUSES,
    empty_facts,
    fact_row,
    pack,
    sort_facts,
    unpack,
)
from socredit.core.scoring.model import LEVEL_CODES

IN_CLAUSE = 500
"""Ids per IN (...) list; well below SQLite's variable limit."""
VALUES_PER_STATEMENT = 500
"""Rows per multi-row INSERT on SQLite (5 values each, below the 32,766 variable limit)."""


def block_of(org_id: int) -> int:
    return int(org_id) // BLOCK_SIZE


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --- facts -------------------------------------------------------------------------------------


_FACT_FIELDS = ("id", "organization_id", "kind_id", "status", "dishonesty_class", "occurred_on",
                "publicity_until", "ended_on", "amount")  # fmt: skip


def _facts_of(queryset: Any, chunk_size: int) -> list[tuple[Any, ...]]:
    """Fact rows of the records in force-able statuses of ``queryset`` (record ids kept)."""
    return [
        fact_row(
            record_id=r[0],
            org_id=r[1],
            kind=r[2],
            status=r[3],
            dishonesty_class=r[4],
            occurred_on=r[5],
            publicity_until=r[6],
            ended_on=r[7],
            amount=r[8],
        )  # fmt: skip
        for r in queryset.filter(status__in=COUNTED_STATUSES)
        .values_list(*_FACT_FIELDS)
        .iterator(chunk_size=chunk_size)
    ]


def _frame(rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    return (
        sort_facts(pl.DataFrame(rows, schema=empty_facts().schema, orient="row")) if rows else empty_facts()
    )


def record_facts(org_ids: Iterable[int]) -> pl.DataFrame:
    """The facts of these organizations, read from the credit records themselves (with record ids)."""
    ids = sorted({int(i) for i in org_ids})
    rows: list[tuple[Any, ...]] = []
    for chunk in _chunks(ids, IN_CLAUSE):
        rows += _facts_of(CreditRecord.objects.filter(organization_id__in=chunk), 5000)
    return _frame(rows)


def _range_facts(lo: int, hi: int) -> pl.DataFrame:
    """Facts of organizations with lo <= id < hi, straight from the record table."""
    return _frame(
        _facts_of(CreditRecord.objects.filter(organization_id__gte=lo, organization_id__lt=hi), 20000)
    )


def write_blocks(facts: pl.DataFrame, blocks: Iterable[int] | None = None) -> int:
    """Store ``facts`` (any organizations) as blocks, replacing those blocks entirely.

    ``blocks`` lists blocks to write even if they end up empty (so stale facts disappear).
    Returns the number of blocks written.
    """
    facts = sort_facts(facts)
    block_col = (facts["org_id"] // BLOCK_SIZE).to_numpy()
    present = np.unique(block_col)
    targets = sorted(set(int(b) for b in present) | set(blocks or ()))
    starts = np.searchsorted(block_col, targets, side="left")
    ends = np.searchsorted(block_col, targets, side="right")
    rows = []
    for block, start, end in zip(targets, starts, ends, strict=True):
        part = facts.slice(int(start), int(end - start))
        rows.append((block, pack(part), part.height))
    table = FactBlock._meta.db_table
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, 200):
            cursor.executemany(
                f"INSERT INTO {table} (block, facts, rows, updated_at) VALUES (%s, %s, %s, CURRENT_TIMESTAMP) "
                "ON CONFLICT (block) DO UPDATE SET facts = excluded.facts, rows = excluded.rows, "
                "updated_at = excluded.updated_at",
                list(chunk),
            )
    return len(rows)


def rebuild_blocks(lo_org: int = 0, hi_org: int | None = None, *, progress: Any = None) -> int:
    """Rebuild the fact blocks of organizations lo_org <= id < hi_org from the record table.

    Whole blocks only: the bounds widen to block boundaries, so a block is never half rewritten.
    """

    top = (
        hi_org
        if hi_org is not None
        else (Organization.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    )
    top = -(-top // BLOCK_SIZE) * BLOCK_SIZE  # up to a block boundary
    step = BLOCK_SIZE * 64
    written = 0
    first = (lo_org // BLOCK_SIZE) * BLOCK_SIZE
    for lo in range(first, top, step):
        hi = min(lo + step, top)
        facts = _range_facts(lo, hi)
        written += write_blocks(facts, blocks=range(lo // BLOCK_SIZE, (hi - 1) // BLOCK_SIZE + 1))
        if progress:
            progress(min(hi, top) - first, top - first)
    return written


def refresh_blocks(org_ids: Iterable[int]) -> pl.DataFrame:
    """Replace the facts of these organizations inside their blocks (the live path); return those facts."""
    ids = sorted({int(i) for i in org_ids})
    fresh = record_facts(ids)
    by_block: dict[int, list[int]] = {}
    for org in ids:
        by_block.setdefault(block_of(org), []).append(org)
    # Make sure every block row exists before locking it: a row that does not exist cannot be
    # locked, and two transactions creating the same new block would each write only their own
    # organizations' facts, the later one erasing the other's.
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {FactBlock._meta.db_table} (block, facts, rows, updated_at) "
            "VALUES (%s, %s, 0, CURRENT_TIMESTAMP) ON CONFLICT (block) DO NOTHING",
            [(block, b"") for block in by_block],
        )
    stored = {
        b.block: b.facts
        for b in FactBlock.objects.select_for_update().filter(block__in=list(by_block)).only("block", "facts")
    }
    merged = []
    for block, orgs in by_block.items():
        old = unpack([bytes(stored[block])]) if block in stored else empty_facts()
        merged.append(old.filter(~pl.col("org_id").is_in(orgs)))
    merged.append(fresh)
    write_blocks(pl.concat(merged), blocks=by_block)
    return fresh


def read_blocks(lo_block: int | None = None, hi_block: int | None = None) -> pl.DataFrame:
    """The facts of blocks lo_block..hi_block inclusive (all when both are None)."""
    table = FactBlock._meta.db_table
    sql = f"SELECT facts FROM {table}"
    params: list[int] = []
    if lo_block is not None and hi_block is not None:
        sql += " WHERE block >= %s AND block <= %s"
        params = [lo_block, hi_block]
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY block", params)
        return unpack(bytes(r[0]) for r in cursor.fetchall())


# --- results ----------------------------------------------------------------------------------

_INCOMING = "evaluation_incoming"


def breakdown_bytes(evaluation: Evaluation, rows: np.ndarray[Any, Any] | None = None) -> list[bytes]:
    """Per organization (all, or the positions ``rows``): (points, count, points before the cap) per
    indicator, int16 little-endian — everything an explanation shows, so that the credit answer for
    today can be read back instead of computed (``decode_lines``)."""
    picked = np.arange(len(evaluation)) if rows is None else rows
    k = len(evaluation.model.indicators)
    small = np.iinfo(np.int16)
    triples = np.empty((len(picked), k, 3), dtype="<i2")
    triples[:, :, 0] = evaluation.points[picked]
    triples[:, :, 1] = np.minimum(evaluation.counts[picked], small.max)
    triples[:, :, 2] = np.clip(evaluation.raw_points[picked], small.min, small.max)
    raw = triples.tobytes()
    width = 6 * k
    return [raw[i * width : (i + 1) * width] for i in range(len(picked))]


def decode_lines(blob: bytes, indicator_count: int) -> list[tuple[int, int, int]] | None:
    """(points, count, points before the cap) per indicator from ``breakdown_bytes``; None for a
    breakdown stored in the older (points, count) form, which cannot tell a capped line."""
    arr = np.frombuffer(bytes(blob), dtype="<i2")
    if len(arr) != 3 * indicator_count:
        return None
    small = np.iinfo(np.int16)
    if np.any((arr[2::3] == small.max) | (arr[2::3] == small.min)):
        return None  # a sum beyond int16 was clipped: not exact
    return [(int(arr[3 * j]), int(arr[3 * j + 1]), int(arr[3 * j + 2])) for j in range(indicator_count)]


def decode_breakdown(blob: bytes, indicator_count: int) -> list[tuple[int, int]]:
    """(points, count) per indicator from ``breakdown_bytes`` (or the older two-value form)."""
    arr = np.frombuffer(bytes(blob), dtype="<i2")
    if len(arr) == 3 * indicator_count:
        return [(int(arr[3 * j]), int(arr[3 * j + 1])) for j in range(indicator_count)]
    if len(arr) != 2 * indicator_count:
        return []
    return [(int(arr[2 * j]), int(arr[2 * j + 1])) for j in range(indicator_count)]


def _load_incoming(cursor: Any, rows: list[tuple[Any, ...]]) -> None:
    if connection.vendor == "postgresql":
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_INCOMING} (org_id bigint PRIMARY KEY, score smallint, "
            "level varchar(1), cause varchar(60), breakdown bytea) ON COMMIT DELETE ROWS"
        )
        cursor.execute(f"TRUNCATE {_INCOMING}")
        with cursor.cursor.copy(
            f"COPY {_INCOMING} (org_id, score, level, cause, breakdown) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"ANALYZE {_INCOMING}")
        return
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {_INCOMING} (org_id integer PRIMARY KEY, score integer, "
        "level text, cause text, breakdown blob)"
    )
    cursor.execute(f"DELETE FROM {_INCOMING}")
    full, rest = divmod(len(rows), VALUES_PER_STATEMENT)
    if full:
        sql = f"INSERT INTO {_INCOMING} VALUES " + ", ".join(["(%s, %s, %s, %s, %s)"] * VALUES_PER_STATEMENT)
        cursor.executemany(
            sql,
            [
                [v for row in rows[i * VALUES_PER_STATEMENT : (i + 1) * VALUES_PER_STATEMENT] for v in row]
                for i in range(full)
            ],
        )
    if rest:
        sql = f"INSERT INTO {_INCOMING} VALUES " + ", ".join(["(%s, %s, %s, %s, %s)"] * rest)
        cursor.execute(sql, [v for row in rows[full * VALUES_PER_STATEMENT :] for v in row])


DIGEST_DTYPE = np.dtype([("org_id", "<i8"), ("digest", "<u8")])


def result_digests(evaluation: Evaluation) -> np.ndarray[Any, np.dtype[np.uint64]]:
    """A 64-bit digest per organization of everything CreditScore stores (score, level, cause, model,
    breakdown with the points before the cap).

    A fixed-weight multiply-add over uint64 (wrapping), seeded by the model version: two different
    results share a digest with probability about 2**-64.
    """
    seed = int.from_bytes(
        hashlib.blake2b(evaluation.model.version.encode(), digest_size=8).digest(), "little"
    )
    k = len(evaluation.model.indicators)
    # int64 arithmetic wraps like uint64 (two's complement); viewed as uint64 at the end.
    weights = (np.random.default_rng(seed).integers(1, 2**62, size=3 + 3 * k, dtype=np.int64) | 1).astype(
        np.int64
    )
    h = np.full(len(evaluation), seed - 2**63, dtype=np.int64)
    h += evaluation.score * weights[0]
    h += evaluation.level.astype(np.int64) * weights[1]
    h += (evaluation.cause.astype(np.int64) + 1) * weights[2]
    if k:
        h += evaluation.points @ weights[3 : 3 + k]
        h += evaluation.counts @ weights[3 + k : 3 + 2 * k]
        h += evaluation.raw_points @ weights[3 + 2 * k :]
    return h.view(np.uint64)


def _changed(evaluation: Evaluation) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Which organizations' results differ from what is stored; rewrites their result blocks."""
    orgs = evaluation.org_ids
    digests = result_digests(evaluation)
    blocks = np.unique(orgs // BLOCK_SIZE).tolist()
    # Locked (in block order) until the caller commits: a batch chunk and a live update of the same
    # block would otherwise each write back the digests they read, one putting back a stale digest
    # for an organization whose CreditScore the other changed — and that result would then never be
    # written again when it recurs.
    locked = ResultBlock.objects.select_for_update().order_by("block")
    rows = (
        locked.filter(block__in=blocks)
        if len(blocks) <= IN_CLAUSE
        else locked.filter(block__gte=blocks[0], block__lte=blocks[-1])  # a batch chunk: one range
    )
    stored = [np.frombuffer(bytes(b), dtype=DIGEST_DTYPE) for b in rows.values_list("digests", flat=True)]
    old = np.concatenate(stored) if stored else np.empty(0, dtype=DIGEST_DTYPE)
    old = old[np.argsort(old["org_id"], kind="stable")]
    pos = np.minimum(np.searchsorted(old["org_id"], orgs), max(len(old) - 1, 0))
    known = (old["org_id"][pos] == orgs) if len(old) else np.zeros(len(orgs), dtype=bool)
    changed = ~known | (old["digest"][pos] != digests) if len(old) else np.ones(len(orgs), dtype=bool)
    # merged digests: the stored ones of organizations not evaluated now, and the new ones
    keep = old[~np.isin(old["org_id"], orgs)]
    new = np.empty(len(orgs), dtype=DIGEST_DTYPE)
    new["org_id"], new["digest"] = orgs, digests
    merged = np.concatenate([keep, new])
    merged = merged[np.argsort(merged["org_id"], kind="stable")]
    block_col = merged["org_id"] // BLOCK_SIZE
    # Only blocks holding a changed result are rewritten: a quiet night writes almost nothing.
    dirty = np.unique(orgs[changed] // BLOCK_SIZE).tolist()
    starts = np.searchsorted(block_col, dirty, side="left")
    ends = np.searchsorted(block_col, dirty, side="right")
    rows = [(b, merged[s:e].tobytes()) for b, s, e in zip(dirty, starts, ends, strict=True)]
    table = ResultBlock._meta.db_table
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, 200):
            cursor.executemany(
                f"INSERT INTO {table} (block, digests, updated_at) VALUES (%s, %s, CURRENT_TIMESTAMP) "
                "ON CONFLICT (block) DO UPDATE SET digests = excluded.digests, updated_at = excluded.updated_at",
                list(chunk),
            )
    return changed


def _emit_level_changes(cursor: Any, evaluation: Evaluation, at: dt.datetime) -> None:
    """One ``credit.level_changed`` change event (records.outbox) per organization whose stored level
    differs from the new one, in one set-based statement inside the caller's transaction; run before
    the scores are overwritten. A first score (nothing stored yet) is not a change and has no event.
    Payload: organization, from_level, to_level, from_score, to_score, as_of, model_version."""
    build = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    cast = "::text" if connection.vendor == "postgresql" else ""
    outbox.order_lock()
    cursor.execute(
        f"INSERT INTO {ChangeEvent._meta.db_table} (at, kind, organization_id, region_path, record_id, payload) "
        f"SELECT %s, 'credit.level_changed', n.org_id, r.path, NULL, {build}('organization', o.code, "
        f"'from_level', s.level, 'to_level', n.level, 'from_score', s.score, 'to_score', n.score, "
        f"'as_of', %s{cast}, 'model_version', %s{cast}) "
        # CROSS JOIN: SQLite then walks the few incoming rows and looks the others up by key, instead of
        # scanning every stored score (PostgreSQL's planner orders the joins itself either way)
        f"FROM {_INCOMING} n CROSS JOIN {CreditScore._meta.db_table} s CROSS JOIN {Organization._meta.db_table} o "
        f"CROSS JOIN {Region._meta.db_table} r "
        "WHERE s.organization_id = n.org_id AND o.id = n.org_id AND r.id = o.region_id AND s.level <> n.level "
        "ORDER BY n.org_id",
        [at, evaluation.as_of.isoformat(), evaluation.model.version],
    )


def write_results(evaluation: Evaluation, *, trigger: str, at: dt.datetime, run_id: int | None = None) -> int:
    """Store the evaluation as current scores; add a LevelChange for every level that changed.

    Only organizations whose result differs from the stored one are written (compared by digest,
    see ResultBlock). Returns the number of level changes. One set-based statement each for the
    history and the scores; the caller's transaction covers both.
    """
    if not len(evaluation):
        return 0
    changed = np.flatnonzero(_changed(evaluation))
    if not len(changed):
        return 0
    causes = np.asarray(["score", *(r.id for r in evaluation.model.level_rules)], dtype=object)
    levels = np.asarray(LEVEL_CODES, dtype=object)
    rows = list(
        zip(
            evaluation.org_ids[changed].tolist(),
            evaluation.score[changed].tolist(),
            levels[evaluation.level[changed]].tolist(),
            causes[evaluation.cause[changed].astype(np.int64) - NO_RULE].tolist(),
            breakdown_bytes(evaluation, changed),
            strict=True,
        )
    )
    score_table, change_table = CreditScore._meta.db_table, LevelChange._meta.db_table
    version = evaluation.model.version
    with connection.cursor() as cursor:
        _load_incoming(cursor, rows)
        cursor.execute(
            f"INSERT INTO {change_table} (organization_id, from_level, to_level, from_score, to_score, as_of, at, "
            "cause, trigger, model_version, run_id) "
            f"SELECT n.org_id, COALESCE(s.level, ''), n.level, s.score, n.score, %s, %s, n.cause, %s, %s, %s "
            f"FROM {_INCOMING} n LEFT JOIN {score_table} s ON s.organization_id = n.org_id "
            "WHERE s.level IS NULL OR s.level <> n.level",
            [evaluation.as_of, at, trigger[:300], version, run_id],
        )
        changed = max(cursor.rowcount, 0)
        if changed:
            _emit_level_changes(cursor, evaluation, at)
        with counts.counted_by_writer(cursor, _INCOMING):  # the per-region level counts, in bulk
            cursor.execute(
                f"INSERT INTO {score_table} (organization_id, score, level, cause, model_version, as_of, breakdown, "
                "run_id, evaluated_at) "
                f"SELECT org_id, score, level, cause, %s, %s, breakdown, %s, %s FROM {_INCOMING} WHERE true "
                "ON CONFLICT (organization_id) DO UPDATE SET score = excluded.score, level = excluded.level, "
                "cause = excluded.cause, model_version = excluded.model_version, as_of = excluded.as_of, "
                "breakdown = excluded.breakdown, run_id = excluded.run_id, evaluated_at = excluded.evaluated_at",
                [version, evaluation.as_of, run_id, at],
            )
    return changed
