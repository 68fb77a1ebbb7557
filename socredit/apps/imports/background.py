"""Imports uploaded on the page run in the background worker (django-tasks, `socredit db_worker`).

`queue_import()` streams the upload to a file of its own under SOCREDIT_IMPORT_UPLOAD_DIR (never
whole in memory), creates the run as QUEUED and enqueues `import_file` — in one transaction, so a
queued run always has its task. The worker's `import_file` claims the run (QUEUED → RUNNING, once:
a task delivered twice does nothing the second time), imports the stored file with
services.execute_run (progress on the run, all valid rows in one transaction) and deletes the file.
A worker killed mid-import leaves the run RUNNING under its process id; services.end_abandoned_imports
ends it as failed with the reason when the page or the history is next shown.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from socredit.apps.imports.models import ImportPhase, ImportRun, ImportStatus
from socredit.apps.imports.services import end_abandoned_imports, execute_run, new_run, stored_upload
from socredit.common.runs import this_worker


def queue_import(
    *, actor: Any, channel: str, kind: str, chunks: Iterable[bytes], file_name: str, dry_run: bool = False
) -> ImportRun:
    """Store the uploaded file (given as chunks) and queue its import; returns the QUEUED run."""
    directory = Path(settings.SOCREDIT_IMPORT_UPLOAD_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(dir=directory, prefix="upload-", suffix=".part", delete=False) as tmp:
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            tmp.write(chunk)
    stored: Path | None = None
    try:
        with transaction.atomic():
            run = new_run(actor=actor, channel=channel, kind=kind, file_name=file_name, sha256=digest.hexdigest(),
                          size=size, dry_run=dry_run, queued=True)  # fmt: skip
            stored = stored_upload(run)
            os.replace(tmp.name, stored)
            import_file.enqueue(run.pk)
    except BaseException:
        Path(tmp.name).unlink(missing_ok=True)
        if stored is not None:
            stored.unlink(missing_ok=True)
        raise
    return run


def execute_queued(run_id: int) -> str:
    """Import the stored file of a QUEUED run; returns the run's final status (or "skipped")."""
    end_abandoned_imports()
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING,
        phase=ImportPhase.READING,
        worker=this_worker(),
        heartbeat_at=timezone.now(),
    )
    if not claimed:  # taken already, or ended meanwhile
        return "skipped"
    run = ImportRun.objects.select_related("actor", "actor__region").get(pk=run_id)
    path = stored_upload(run)
    try:
        actor = run.actor
        if actor is None or not actor.is_active or not actor.can_write:
            _refuse(run, "导入未执行：上传文件的账号已停用或不再有写入权限，没有写入任何数据")
        elif not path.is_file():
            _refuse(run, "导入未执行：上传的文件已不在服务器上（可能已被清理），请重新上传")
        else:
            execute_run(run, actor, lambda: path.open("rb"))
    finally:
        path.unlink(missing_ok=True)  # the file may hold personal data: kept no longer than needed
    return str(run.status)


def _refuse(run: ImportRun, message: str) -> None:
    run.status, run.phase, run.message, run.finished_at = (
        ImportStatus.FAILED,
        ImportPhase.DONE,
        message,
        timezone.now(),
    )
    run.save(update_fields=["status", "phase", "message", "finished_at"])


@task()
def import_file(run_id: int) -> str:
    """The background task of an import uploaded on the page."""
    return execute_queued(run_id)
