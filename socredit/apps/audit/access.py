"""Who may verify the audit chain and review the sensitive reads: administrators (岗位 管理员) who may
write, and superusers, as for the other administration pages. The chain page shows counts, hashes and
event ids, never an event's content; the reads page shows who read what kind of data when, never the
data itself."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from socredit.apps.audit.models import AuditEvent
from socredit.apps.audit.services import SENSITIVE_READS
from socredit.common.access import is_administrator


def can_verify_chain(user: Any) -> bool:
    return is_administrator(user)


def can_review_reads(user: Any) -> bool:
    """敏感信息查阅记录: the same administrators as the chain page."""
    return can_verify_chain(user)


def access_sensitive_reads(user: Any) -> QuerySet[AuditEvent]:
    """The sensitive reads (``services.SENSITIVE_READS``) by accounts and tokens of the reviewer's
    region or a region below it (a superuser: all), newest first; nothing for anyone else. A read
    is placed by the reader's region stored with it (``data["scope"]``); a reporter read recorded
    before that was stored is placed by its reader's account."""
    if not can_review_reads(user):
        return AuditEvent.objects.none()
    reads = AuditEvent.objects.filter(action__in=list(SENSITIVE_READS)).order_by("-id")
    path = user.scope_path()
    if path is None:
        return AuditEvent.objects.none()
    if path == "":
        return reads
    return reads.filter(
        Q(data__scope__startswith=path) | Q(data__scope__isnull=True, actor__region__path__startswith=path)
    )
