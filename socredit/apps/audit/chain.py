"""The audit chain's canonical form, its verification and its anchors (docs/audit.md).

Each event's ``hash`` is the SHA-256 of one canonical JSON text built from exactly the fields
stored in its row (``prev_hash``, ``at``, ``actor_id``, ``actor_label``, ``channel``, ``action``,
``target_type``, ``target_id``, ``summary``, ``data``). Writers normalise first (``normalise``:
cut to the column lengths, JSON round trip) and hash what they will store, so that a row read
back always hashes to its ``hash``. Format 2 is frozen: a later format gets new functions and a
migration, never an edit of these (migration 0003 uses them).

``verify`` walks the rows in id order and says where the chain breaks (an altered row, missing
rows, a fork) and whether every anchored head (``anchor``: one JSON line per anchor in
``settings.SOCREDIT_AUDIT_ANCHOR_FILE``) is still in the table with the same hash, so that a
rewrite of the whole table after an anchor is detected too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 2
GENESIS = ""
"""The ``prev_hash`` of the first event: the empty string."""

LIMITS = {"actor_label": 150, "action": 64, "target_type": 64, "target_id": 64, "summary": 500}
"""Column lengths (models.AuditEvent): values are cut to these before they are hashed and stored."""

HASHED_FIELDS = ("prev_hash", "at", "actor_id", "actor_label", "channel", "action", "target_type",
                 "target_id", "summary", "data")  # fmt: skip
MAX_PROBLEMS = 20
"""``verify`` lists at most this many problems (and counts them all)."""


def _plain(value: Any) -> Any:
    """JSON data in its canonical shape: a float with no fractional part becomes an integer (PostgreSQL's
    jsonb gives 1e20 back as 100000000000000000000); dicts and lists recursively."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def normalise(fields: dict[str, Any]) -> dict[str, Any]:
    """The values as they will be stored: strings cut to their columns, data through JSON and back."""
    out = dict(fields)
    for name, limit in LIMITS.items():
        out[name] = str(out.get(name) or "")[:limit]
    out["data"] = _plain(json.loads(json.dumps(out.get("data") or {}, ensure_ascii=False, default=str)))
    return out


def format_time(at: dt.datetime) -> str:
    """UTC, microseconds, a trailing Z: ``2026-12-03T07:25:04.123456Z``."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(fields: dict[str, Any]) -> bytes:
    """The UTF-8 bytes that are hashed (docs/audit.md, "The canonical form")."""
    body = {
        "v": FORMAT,
        "prev": fields["prev_hash"],
        "at": format_time(fields["at"]),
        "actor_id": fields["actor_id"],
        "actor": fields["actor_label"],
        "channel": fields["channel"],
        "action": fields["action"],
        "target_type": fields["target_type"],
        "target_id": fields["target_id"],
        "summary": fields["summary"],
        "data": _plain(fields["data"]),
    }
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


def digest(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


# --- verification ---------------------------------------------------------------------------------

ALTERED, MISSING, FORK, ANCHOR = "altered", "missing", "fork", "anchor"


@dataclass(frozen=True)
class Problem:
    """Where the chain breaks: ``kind`` (altered / missing / fork / anchor), the event, its time, and
    for a fork the earlier event that has the same predecessor link; for an anchor, what was anchored."""

    kind: str
    event_id: int
    at: dt.datetime | None = None
    other_id: int | None = None
    anchored_hash: str = ""
    anchored_at: str = ""


@dataclass
class ChainReport:
    count: int = 0
    head_id: int | None = None
    head_hash: str = ""
    head_at: dt.datetime | None = None
    anchors: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)


def verify(rows: Iterable[dict[str, Any]], anchors: Iterable[dict[str, Any]], link_of: Any) -> ChainReport:
    """Walk ``rows`` (dicts of the stored fields plus ``id`` and ``hash``, in id order) and check them
    against ``anchors``. ``link_of(hash)`` is the id of the stored event with that hash, or None: a
    row whose predecessor link is to no stored event follows missing rows; to an earlier event that
    is not the one before it, a fork."""
    report = ChainReport()
    pending = {}
    for a in anchors:
        pending.setdefault(int(a["id"]), []).append(a)
    report.anchors = sum(len(v) for v in pending.values())
    prev_hash, prev_id, prev_altered = GENESIS, None, False
    for row in rows:
        report.count += 1
        altered = row["hash"] != digest(row)
        if altered:
            report.add(Problem(ALTERED, row["id"], row["at"]))
        elif (
            row["prev_hash"] != prev_hash and not prev_altered
        ):  # (an altered row's new hash unlinks the next)
            other = link_of(row["prev_hash"]) if row["prev_hash"] else None
            if other is not None and other != prev_id:
                report.add(Problem(FORK, row["id"], row["at"], other_id=other))
            else:
                report.add(Problem(MISSING, row["id"], row["at"]))
        for a in pending.pop(row["id"], []):
            if a["hash"] != row["hash"]:
                report.add(Problem(ANCHOR, row["id"], row["at"], anchored_hash=a["hash"], anchored_at=a.get("anchored_at", "")))  # fmt: skip
        prev_hash, prev_id, prev_altered = row["hash"], row["id"], altered
        report.head_id, report.head_hash, report.head_at = row["id"], row["hash"], row["at"]
    for event_id, gone in sorted(pending.items()):  # anchored events no longer in the table
        for a in gone:
            report.add(Problem(ANCHOR, event_id, None, anchored_hash=a["hash"], anchored_at=a.get("anchored_at", "")))  # fmt: skip
    return report


def describe(problem: Problem) -> str:
    """What is wrong at ``problem``, in the active language (the command and the page say the same)."""
    when = timezone.localtime(problem.at).strftime("%Y-%m-%d %H:%M:%S") if problem.at else ""
    if problem.kind == ALTERED:
        text = _("Event %(id)s (%(at)s) was altered: what the row stores no longer matches its hash.")
    elif problem.kind == MISSING:
        text = _("Events are missing before event %(id)s (%(at)s): the event it links to is not stored.")
    elif problem.kind == FORK:
        text = _("The chain forks at event %(id)s (%(at)s): it links to event %(other)s, which another event already follows.")  # fmt: skip
    elif problem.at is None:
        text = _("Event %(id)s, anchored on %(anchored_at)s, is no longer stored.")
    else:
        text = _("Event %(id)s (%(at)s) differs from its anchor of %(anchored_at)s: the table was rewritten.")
    try:
        anchored = f"{timezone.localtime(dt.datetime.fromisoformat(problem.anchored_at.replace('Z', '+00:00'))):%Y-%m-%d %H:%M:%S}"
    except (ValueError, TypeError):  # an anchor line written by hand: shown as it is
        anchored = problem.anchored_at or "?"
    return text % {"id": problem.event_id, "at": when, "other": problem.other_id, "anchored_at": anchored}


# --- anchors --------------------------------------------------------------------------------------


def anchor_path() -> Path:
    return Path(settings.SOCREDIT_AUDIT_ANCHOR_FILE)


def read_anchors(path: Path | None = None) -> Iterator[dict[str, Any]]:
    """The anchors written so far (none if the file does not exist). A line that is not an anchor
    raises ValueError naming the file and line: a damaged anchor file is not silently skipped."""
    path = path or anchor_path()
    if not path.exists():
        return
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                a = json.loads(line)
                int(a["id"]), str(a["hash"])
            except (ValueError, KeyError, TypeError):
                raise ValueError(f"{path}:{n}: not an anchor line") from None
            yield a


def write_anchor(
    head_id: int, head_hash: str, head_at: dt.datetime, path: Path | None = None
) -> dict[str, Any]:
    """Append one line ``{"id", "hash", "at", "anchored_at"}`` to the anchor file and flush it to disk."""
    path = path or anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = {
        "id": head_id,
        "hash": head_hash,
        "at": format_time(head_at),
        "anchored_at": format_time(timezone.now()),
    }
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
        f.flush()
        os.fsync(f.fileno())
    return line
