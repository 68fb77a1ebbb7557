"""record_event(): the one writer of the audit trail, called inside every service's transaction.

Appends are serialized (``_lock_head``) so that each event links to the one stored before it, and
each row's hash is computed over exactly what the row stores (``chain.normalise``, ``chain.digest``;
the canonical form is in docs/audit.md). ``check_chain`` verifies the table against the anchors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socredit.apps.audit import chain
from socredit.apps.audit.models import AuditEvent

CHANNELS = {"form", "import", "api", "cli", "system"}


def staff_user_of(actor: Any) -> Any:
    """The staff User behind an actor, or None (a department token, the CLI, the system)."""
    if isinstance(actor, Model) and actor._meta.label == settings.AUTH_USER_MODEL:
        return actor
    return None


def actor_label(actor: Any) -> str:
    return actor.get_username() if hasattr(actor, "get_username") else str(actor or "system")


LOCK_KEY = 0x736F_6372_6175_6474
"""The PostgreSQL advisory lock that serializes appends (a fixed 64-bit key, "socraudt")."""


def _lock_head() -> None:
    """Serialize appends until the caller's transaction ends, before the previous hash is read.

    PostgreSQL: a transaction-level advisory lock; the next writer waits for it, and its read of the
    head (READ COMMITTED: a new snapshot per statement) then sees this transaction's event. Without
    it, concurrent writers read the same head and fork the chain. SQLite: nothing to do, the
    connection's IMMEDIATE transactions (settings.DATABASES OPTIONS) take the database's one write
    lock at BEGIN, so that writers are already serialized for their whole transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _head() -> str:
    return AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or chain.GENESIS


def _check_call(channel: str, name: str) -> None:
    if channel not in CHANNELS:
        raise ValueError(f"unknown audit channel {channel!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{name} must be called inside a service transaction")


def _chained(prev: str, fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` as stored, linked to ``prev`` and with their hash."""
    row = chain.normalise({**fields, "prev_hash": prev})
    row["hash"] = chain.digest(row)
    return row


def record_event(
    *,
    actor: Any,
    channel: str,
    action: str,
    target: Model | None = None,
    target_type: str = "",
    target_id: str = "",
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event; must run inside the caller's transaction (services are atomic)."""
    _check_call(channel, "record_event")
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
    user = staff_user_of(actor)
    _lock_head()
    row = _chained(_head(), {
        "at": timezone.now(), "actor_id": user.pk if user is not None else None, "actor_label": actor_label(actor),
        "channel": channel, "action": action, "target_type": target_type, "target_id": target_id,
        "summary": summary, "data": data,
    })  # fmt: skip
    return AuditEvent.objects.create(**row)


def record_events(*, actor: Any, channel: str, events: Sequence[Mapping[str, Any]]) -> int:
    """Append many events of one actor at once, chained one after the other exactly as as many
    ``record_event`` calls would chain them, under one lock, with one read of the last hash and one
    multi-row insert per chunk. Each event: ``action``, ``target_type``, ``target_id``, ``summary``, ``data``."""
    _check_call(channel, "record_events")
    user = staff_user_of(actor)
    _lock_head()
    common = {"at": timezone.now(), "actor_id": user.pk if user is not None else None,
              "actor_label": actor_label(actor), "channel": channel}  # fmt: skip
    prev = _head()
    rows = []
    for e in events:
        row = _chained(prev, {**common, "action": e["action"], "target_type": e.get("target_type", ""),
                              "target_id": e.get("target_id", ""), "summary": e.get("summary", ""),
                              "data": e.get("data")})  # fmt: skip
        rows.append(AuditEvent(**row))
        prev = row["hash"]
    AuditEvent.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _stored_rows() -> Any:
    fields = ("id", "hash", *chain.HASHED_FIELDS)
    return AuditEvent.objects.order_by("id").values(*fields).iterator(chunk_size=2000)


def _link_of(hash_: str) -> int | None:
    return AuditEvent.objects.filter(hash=hash_).values_list("id", flat=True).first()


def check_chain(anchor_file: Any = None, *, with_anchors: bool = True) -> chain.ChainReport:
    """The whole chain verified: its length and head, and every break (altered row, missing rows,
    fork, an anchored head no longer stored as anchored), in id order. A damaged anchor file raises
    ValueError (naming the file and line) before any row is read."""
    anchors = list(chain.read_anchors(anchor_file)) if with_anchors else []
    return chain.verify(_stored_rows(), anchors, _link_of)


def verify_chain() -> int | None:
    """The id of the first event where the chain breaks (anchors not read), or None if intact."""
    report = check_chain(with_anchors=False)
    return report.problems[0].event_id if report.problems else None


def anchor_head(anchor_file: Any = None) -> dict[str, Any] | None:
    """Append the head (id, hash, time) to the anchor file; None when there is no event yet."""
    head = AuditEvent.objects.order_by("-id").values("id", "hash", "at").first()
    if head is None:
        return None
    return chain.write_anchor(head["id"], head["hash"], head["at"], anchor_file)


# --- sensitive reads ------------------------------------------------------------------------------

ID_NUMBER_READ = "person.id_number_read"
"""A staff member revealed one person's whole ID number on a page (``registry.services.reveal_id_number``)."""
API_ID_NUMBERS_READ = "api.id_numbers_read"
"""An API answer carried whole ID numbers (one event per request, naming the persons)."""
REPORTER_READ = "complaint.reporter_read"
"""A complaint's reporter's identity was shown to its handler (``cases.services.complaints.read_reporter``)."""
FILE_DOWNLOAD = "file.download"
"""A file of non-public data left the system: evidence, an import's error report (``data["file"]`` says which)."""

SENSITIVE_READS: dict[str, Any] = {
    ID_NUMBER_READ: _("Whole ID number shown"),
    API_ID_NUMBERS_READ: _("Whole ID numbers sent through the API"),
    REPORTER_READ: _("Complaint reporter's identity shown"),
    FILE_DOWNLOAD: _("Non-public file downloaded"),
}
"""Every kind of sensitive read, with the label users read (the review page, docs/audit.md)."""

READ_PLACES: dict[str, Any] = {
    "person_page": _("Person page"),
    "organization_page": _("Organization page"),
    "record_page": _("Credit record page"),
    "person_list": _("Responsible persons"),
    "case_page": _("Case page"),
    "document": _("Printed document"),
}
"""Where a page showed the data (``data["shown_on"]`` of a read), as the review names it."""


def record_sensitive_read(
    *,
    actor: Any,
    channel: str,
    action: str,
    summary: str,
    target: Model | None = None,
    target_type: str = "",
    target_id: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that ``actor`` was shown non-public data: one audit event in its own transaction (or the
    caller's), to be called *before* the data is given out, so that a read that cannot be recorded
    is not served. ``action`` is one of ``SENSITIVE_READS``; ``data`` says what was read and where,
    never the data itself. The actor's region (``data["scope"]``) is stored so that the
    administrators of that region review the read (``access.access_sensitive_reads``)."""
    if action not in SENSITIVE_READS:
        raise ValueError(f"unknown sensitive read {action!r}")
    scope = actor.scope_path() if callable(getattr(actor, "scope_path", None)) else ""
    with transaction.atomic():
        return record_event(
            actor=actor, channel=channel, action=action, target=target, target_type=target_type,
            target_id=target_id, summary=summary, data={**(data or {}), "scope": scope or ""},
        )  # fmt: skip


DOWNLOADED_FILES: dict[str, Any] = {
    "evidence": _("Case evidence"),
    "statement_evidence": _("Evidence of a statement on a list proposal"),
    "import_errors": _("Error report of an import"),
    "registration_document": _("Document of a registration"),
    "export_organizations": _("Export of the organization list"),
    "export_list_members": _("Export of a list's members"),
    "export_proposals": _("Export of the listing proposals"),
    "export_decisions": _("Export of the list decisions"),
    "export_cases": _("Export of the cases"),
    "export_scores": _("Export of credit scores and levels"),
    "export_level_changes": _("Export of an evaluation run's level changes"),
    "export_annual_report_figures": _("Export of the figures of annual work reports"),
    "annual_report_attachment": _("Attachment of an annual work report"),
}
"""The kinds of non-public file whose every download is recorded (``record_download``); the
``export_*`` kinds are the tables exported from a staff page (socredit.common.exports)."""
_FILES_ZH = {
    "evidence": "案件证据材料",
    "statement_evidence": "陈述申辩证据材料",
    "import_errors": "导入错误报告",
    "registration_document": "登记文书",
    "export_organizations": "社会组织名录导出",
    "export_list_members": "名录成员导出",
    "export_proposals": "列入建议导出",
    "export_decisions": "名录决定导出",
    "export_cases": "案件导出",
    "export_scores": "信用评分与等级导出",
    "export_level_changes": "评价批次等级变动导出",
    "export_annual_report_figures": "年度工作报告财务数据导出",
    "annual_report_attachment": "年度工作报告附件",
}


def record_download(
    actor: Any, *, file: str, target: Model | None, name: str, channel: str = "form",
    query: str | None = None,
) -> AuditEvent:  # fmt: skip
    """One ``file.download`` event: ``actor`` downloaded a non-public file of kind ``file``
    (``DOWNLOADED_FILES``) belonging to ``target`` (None for a table export), named ``name``. A
    table export passes its filter as ``query`` (the page's query string), kept in ``data``."""
    if file not in DOWNLOADED_FILES:
        raise ValueError(f"unknown downloaded file kind {file!r}")
    data: dict[str, Any] = {"file": file}
    if query is not None:
        data["query"] = query[:1000]
    return record_sensitive_read(actor=actor, channel=channel, action=FILE_DOWNLOAD, target=target,
                                 summary=f"下载{_FILES_ZH[file]}：{name}"[:500], data=data)  # fmt: skip


def read_place(event: AuditEvent) -> Any:
    """Where a sensitive read happened, as the review page says it: the page, the API, or the kind of file."""
    data = event.data or {}
    if event.action == FILE_DOWNLOAD:
        return DOWNLOADED_FILES.get(data.get("file", ""), "")
    if event.action == API_ID_NUMBERS_READ:
        return _("API")
    return READ_PLACES.get(data.get("shown_on", ""), "")
