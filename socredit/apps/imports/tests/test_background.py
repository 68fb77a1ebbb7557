"""Imports uploaded on the page run in the background worker: the upload only stores the file and
queues a task; the worker imports it with progress on the run; the page polls the progress and
shows the result; a run whose worker died is ended as failed; a queued run with no worker says so."""

import datetime as dt
import hashlib
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from socredit.apps.audit.models import AuditEvent
from socredit.apps.imports import progress, services
from socredit.apps.imports.background import execute_queued, import_file, queue_import
from socredit.apps.imports.columns import RECORD_COLUMNS
from socredit.apps.imports.models import ImportPhase, ImportRun, ImportStatus
from socredit.apps.records.models import CreditRecord
from socredit.common.imports import write_csv
from socredit.testing import factories

pytestmark = pytest.mark.django_db

HEAD = [c.header for c in RECORD_COLUMNS]


def records_csv(org, docs):
    return write_csv(HEAD, [[org.code, "penalty_warning", "2024-05-10", "", d, "", "郑州市民政局", "", "", "", "", ""]
                            for d in docs])  # fmt: skip


@pytest.fixture
def org(personas, civil_affairs):
    return factories.organization("410105", registered_on=dt.date(2015, 3, 1))


def upload(client, content, name="记录.csv", **extra):
    return client.post(reverse("imports:importrun_list"),
                       {"kind": "records", "file": SimpleUploadedFile(name, content), **extra})  # fmt: skip


def test_the_upload_stores_the_file_and_queues_it_without_importing(
    login, personas, org, upload_dir, run_worker
):
    client = login(personas["staff_jinshui"])
    content = records_csv(org, ["B-1", "B-2"])
    resp = upload(client, content)
    run = ImportRun.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("imports:importrun_detail", args=[run.pk])
    # nothing imported in the request: the run waits, no record exists, the file waits on disk
    assert (run.status, run.phase, run.worker, run.total_rows) == (
        ImportStatus.QUEUED,
        ImportPhase.QUEUED,
        "",
        0,
    )
    assert not CreditRecord.objects.exists()
    stored = services.stored_upload(run)
    assert stored.parent == upload_dir and stored.read_bytes() == content
    assert (run.sha256, run.size) == (hashlib.sha256(content).hexdigest(), len(content))
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.args_kwargs["args"]) == (import_file.module_path, [run.pk])
    assert not list(upload_dir.glob("*.part"))  # no half-written upload left behind

    page = client.get(resp["Location"]).content.decode()
    assert "等待后台任务处理" in page and 'hx-trigger="every 2s"' in page

    assert run_worker() == 1
    run.refresh_from_db()
    assert (run.status, run.phase, run.created, run.rows_written) == (
        ImportStatus.SUCCEEDED,
        ImportPhase.DONE,
        2,
        2,
    )
    assert (run.rows_read, run.rows_checked, run.total_rows) == (2, 2, 2)
    assert CreditRecord.objects.filter(source_ref=run.source_ref).count() == 2
    assert not stored.exists()  # the file (personal data) is kept no longer than the run
    page = client.get(resp["Location"]).content.decode()
    assert "hx-trigger" not in page and "B-1" not in page and "status-succeeded" in page


def test_a_task_delivered_twice_imports_once(personas, org, run_worker):
    run = queue_import(actor=personas["staff_jinshui"], channel="import", kind="records",
                       chunks=[records_csv(org, ["T-1"])], file_name="t.csv")  # fmt: skip
    assert run_worker() == 1
    assert execute_queued(run.pk) == "skipped"
    assert CreditRecord.objects.count() == 1


def test_the_same_file_uploaded_again_creates_nothing_new(login, personas, org, run_worker):
    client = login(personas["staff_jinshui"])
    content = records_csv(org, ["R-1", "R-2"])
    upload(client, content)
    upload(client, content)
    assert run_worker() == 2
    first, second = ImportRun.objects.order_by("pk")
    assert (first.created, first.unchanged) == (2, 0)
    assert (second.status, second.created, second.unchanged, second.rows_written) == (
        ImportStatus.SUCCEEDED,
        0,
        2,
        0,
    )
    assert CreditRecord.objects.count() == 2


def test_a_bad_file_gets_its_row_and_field_errors(login, personas, org, run_worker):
    client = login(personas["staff_jinshui"])
    rows = [[org.code, "penalty_warning", "2024-05-10", "", "E-1", "", "郑州市民政局", "", "", "", "", ""],
            [org.code, "penalty_warning", "2099-01-01", "", "E-2", "", "郑州市民政局", "", "", "", "", ""],
            ["", "penalty_warning", "2024-05-10", "", "E-3", "", "郑州市民政局", "", "", "", "", ""]]  # fmt: skip
    resp = upload(client, write_csv(HEAD, rows))
    run_worker()
    run = ImportRun.objects.get()
    assert (run.status, run.created, run.error_rows, run.rows_written) == (ImportStatus.PARTIAL, 1, 2, 1)
    assert {(e["row"], e["field"]) for e in run.errors} == {(3, "occurred_on"), (4, "organization")}
    page = client.get(resp["Location"]).content.decode()
    assert (
        "发生日期（occurred_on）" in page
        and reverse("imports:importrun_report", args=[run.pk, "xlsx"]) in page
    )


def test_a_file_level_refusal_ends_the_run_with_its_message(login, personas, org, run_worker):
    client = login(personas["staff_jinshui"])
    resp = upload(client, b"x,y\n1,2\n")
    run_worker()
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED and "缺少必需的列" in run.message
    assert "缺少必需的列" in client.get(resp["Location"]).content.decode()


def test_progress_is_written_to_the_run_as_the_import_goes(personas, org, monkeypatch, run_worker):
    """Each progress write lands on the run's row (what the page reads) in its own statement;
    none happens inside the import's write transaction."""
    monkeypatch.setattr(services, "TICK", 2)
    seen: list[dict] = []
    flush = progress.Progress.flush

    def recording_flush(self):
        flush(self)
        seen.append(ImportRun.objects.filter(pk=self.run.pk).values(
            "phase", "rows_read", "rows_checked", "error_rows", "total_rows", "heartbeat_at").get())  # fmt: skip

    monkeypatch.setattr(progress.Progress, "flush", recording_flush)
    monkeypatch.setattr(progress, "PROGRESS_INTERVAL", 0)
    docs = [f"P-{i}" for i in range(7)] + ["P-0"]  # the last row repeats the first: an error
    queue_import(actor=personas["staff_jinshui"], channel="import", kind="records", chunks=[records_csv(org, docs)],
                 file_name="p.csv")  # fmt: skip
    run_worker()
    phases = [s["phase"] for s in seen]
    assert phases.index("reading") < phases.index("checking") < phases.index("writing")
    read = [s["rows_read"] for s in seen if s["phase"] == "reading"]
    checked = [s["rows_checked"] for s in seen if s["phase"] == "checking"]
    assert read == sorted(read) and {2, 4, 6} <= set(read)  # the count moves while reading
    assert {2, 4, 6, 8} <= set(checked) and checked == sorted(checked)
    assert all(s["total_rows"] == 8 for s in seen if s["phase"] == "checking")
    assert seen[-1]["error_rows"] == 1 and all(s["heartbeat_at"] is not None for s in seen)
    run = ImportRun.objects.get()
    assert (run.phase, run.rows_written, run.error_rows) == (ImportPhase.DONE, 7, 1)


def test_no_progress_write_inside_the_write_transaction(personas, org, monkeypatch):
    """While the valid rows are written (one transaction) progress is held, then written after."""
    original_write = services.RecordImporter.write

    def write(self):
        tracker = progress.Progress(self.run, interval=0)
        with tracker.held():
            tracker(rows_written=1)
            assert not ImportRun.objects.filter(pk=self.run.pk, rows_written=1).exists()
        original_write(self)

    monkeypatch.setattr(services.RecordImporter, "write", write)
    run = services.run_import(actor=personas["staff_jinshui"], channel="import", kind="records",
                              content=records_csv(org, ["H-1"]), file_name="h.csv")  # fmt: skip
    assert run.status == ImportStatus.SUCCEEDED and run.rows_written == 1


def test_the_page_polls_while_running_and_reloads_when_done(login, personas, org, run_worker):
    client = login(personas["staff_jinshui"])
    resp = upload(client, records_csv(org, ["H-1"]))
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING, phase=ImportPhase.CHECKING,
                                               rows_read=40, total_rows=40, rows_checked=17, error_rows=3,
                                               worker="x", heartbeat_at=timezone.now())  # fmt: skip
    poll = client.get(resp["Location"], HTTP_HX_REQUEST="true")
    body = poll.content.decode()
    assert poll.status_code == 200 and "<html" not in body and 'id="import-progress"' in body
    assert 'max="40" value="17"' in body and "17 / 40" in body and "检查数据行" in body
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.QUEUED, phase=ImportPhase.QUEUED)
    run_worker()
    done = client.get(resp["Location"], HTTP_HX_REQUEST="true")
    assert done.headers.get("HX-Refresh") == "true"


def test_a_queued_run_without_a_worker_says_the_worker_is_not_running(login, personas, org, settings):
    client = login(personas["staff_jinshui"])
    resp = upload(client, records_csv(org, ["W-1"]))
    page = client.get(resp["Location"]).content.decode()
    assert "后台任务程序可能没有运行" not in page
    ImportRun.objects.update(
        started_at=timezone.now() - dt.timedelta(seconds=settings.SOCREDIT_IMPORT_WORKER_WAIT_SECONDS + 5)
    )
    page = client.get(resp["Location"]).content.decode()
    assert "后台任务程序可能没有运行" in page and "系统管理员" in page
    assert ImportRun.objects.get().status == ImportStatus.QUEUED  # waiting is not failing: the file is kept


def test_a_worker_killed_mid_import_leaves_the_run_failed_with_the_reason(login, personas, org, dead_worker):
    """The worker's process died while the run was checking: the next look at the page ends it as failed,
    with the reason, deletes its stored file, and nothing of it was written."""
    client = login(personas["staff_jinshui"])
    resp = upload(client, records_csv(org, ["K-1"]))
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING, phase=ImportPhase.CHECKING,
                                               worker=dead_worker, heartbeat_at=timezone.now())  # fmt: skip
    page = client.get(resp["Location"]).content.decode()
    run.refresh_from_db()
    assert (run.status, run.phase) == (ImportStatus.FAILED, ImportPhase.DONE)
    assert "导入中断" in page and "处理它的进程已终止" in page and "没有写入任何数据" in page
    assert not services.stored_upload(run).exists() and not CreditRecord.objects.exists()
    assert AuditEvent.objects.filter(action="import.abandoned", target_id=str(run.pk)).exists()


def test_a_run_whose_uploader_lost_the_right_to_write_is_not_imported(personas, org, run_worker):
    user = personas["staff_jinshui"]
    queue_import(
        actor=user, channel="import", kind="records", chunks=[records_csv(org, ["L-1"])], file_name="l.csv"
    )
    user.is_active = False
    user.save()
    run_worker()
    run = ImportRun.objects.get()
    assert (
        run.status == ImportStatus.FAILED and "写入权限" in run.message and not CreditRecord.objects.exists()
    )


@pytest.fixture
def reference_data(transactional_db):
    factories.reference_data()  # an earlier transactional test's flush may have taken it


@pytest.mark.django_db(transaction=True)
def test_while_the_rows_are_written_the_heartbeat_goes_on_on_postgresql_only(
    reference_data, personas, civil_affairs, monkeypatch
):
    """On PostgreSQL a thread of its own keeps the run's heartbeat going while the write transaction is
    open, readable by another connection; on SQLite no such thread (it would wait for the write lock)."""
    org = factories.organization("410105", registered_on=dt.date(2015, 3, 1))
    monkeypatch.setattr(progress, "HEARTBEAT_INTERVAL", 0.05)
    seen: dict[str, object] = {}
    original_write = services.RecordImporter.write

    def write(self):
        seen["threads"] = [t.name for t in threading.enumerate() if t.name.endswith("-heartbeat")]
        if connection.vendor == "postgresql":
            seen["before"] = ImportRun.objects.get(pk=self.run.pk).heartbeat_at
            time.sleep(0.4)

            def read_elsewhere():  # another connection, as the page's
                seen["during"] = ImportRun.objects.get(pk=self.run.pk).heartbeat_at
                connections.close_all()

            reader = threading.Thread(target=read_elsewhere)
            reader.start()
            reader.join()
        original_write(self)

    monkeypatch.setattr(services.RecordImporter, "write", write)
    run = services.run_import(actor=personas["staff_jinshui"], channel="import", kind="records",
                              content=records_csv(org, ["HB-1"]), file_name="hb.csv")  # fmt: skip
    assert run.status == ImportStatus.SUCCEEDED and run.rows_written == 1
    if connection.vendor == "postgresql":
        assert seen["threads"] == [f"import-{run.pk}-heartbeat"]
        assert seen["during"] > seen["before"]
    else:
        assert seen["threads"] == []
    assert not [t for t in threading.enumerate() if t.name.endswith("-heartbeat")]  # ended with the write
