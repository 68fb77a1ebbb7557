"""Runs whose process was killed: an import or a batch evaluation left "running" by a process that
no longer exists is ended with the reason (and an audit event) the next time anyone imports,
opens the import history or starts an evaluation; an evaluation so interrupted resumes, by hand or
by the next daily job where that is safe."""

import datetime as dt
import socket
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from socredit.apps.audit.models import AuditEvent
from socredit.apps.evaluation import services as evaluation
from socredit.apps.evaluation.models import CreditScore, EvaluationRun
from socredit.apps.imports.models import ImportKind, ImportRun, ImportStatus
from socredit.apps.imports.services import end_abandoned_imports
from socredit.common.access import SystemPrincipal
from socredit.common.clock import today
from socredit.common.runs import this_worker, worker_is_gone
from socredit.testing import factories

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_a_worker_is_gone_only_when_its_process_is(dead_worker):
    assert worker_is_gone(dead_worker) is True
    assert worker_is_gone(this_worker()) is False
    host, pid, start = this_worker().rsplit(":", 2)
    assert worker_is_gone(f"{host}:{pid}:{int(start or 0) + 1}") is (start != "")  # the pid given again
    assert worker_is_gone(f"another-{socket.gethostname()}:{pid}:{start}") is None  # another host: unknown
    assert worker_is_gone("") is None


def _import_run(worker, heartbeat_at=None, **extra):
    return ImportRun.objects.create(
        kind=ImportKind.RECORDS, file_name="记录.xlsx", sha256="0" * 64, actor_label="测试", channel="import",
        worker=worker, heartbeat_at=heartbeat_at or timezone.now(), **extra,
    )  # fmt: skip


def test_an_import_whose_process_died_is_ended_when_the_history_is_opened(login, personas, dead_worker):
    user = personas["staff_jinshui"]
    killed = _import_run(dead_worker, actor=user)
    alive = _import_run(this_worker(), actor=user)
    page = login(user).get("/imports/")
    assert page.status_code == 200
    killed.refresh_from_db(), alive.refresh_from_db()
    assert killed.status == ImportStatus.FAILED and killed.finished_at is not None
    assert "导入中断" in killed.message and "没有写入任何数据" in killed.message
    assert alive.status == ImportStatus.RUNNING  # its process (this one) still works on it
    assert AuditEvent.objects.filter(action="import.abandoned", target_id=str(killed.pk)).count() == 1
    assert "导入中断" in login(user).get(f"/imports/{killed.pk}/").content.decode()
    assert end_abandoned_imports() == 0  # ended once


def test_another_hosts_import_is_ended_only_after_a_silence():
    other = f"app-2-{socket.gethostname()}:4242:1"
    quiet = _import_run(other, heartbeat_at=timezone.now() - dt.timedelta(minutes=31))
    recent = _import_run(other, heartbeat_at=timezone.now() - dt.timedelta(minutes=5))
    assert end_abandoned_imports() == 1
    quiet.refresh_from_db(), recent.refresh_from_db()
    assert quiet.status == ImportStatus.FAILED and "30 分钟" in quiet.message
    assert recent.status == ImportStatus.RUNNING


def test_an_evaluation_whose_process_died_is_ended_by_the_next_run_and_resumes(dead_worker):
    factories.organization(region_code="410105", name="金水区养老服务协会")
    system = SystemPrincipal("测试")
    killed = evaluation.start_run(actor=system, channel="cli")
    EvaluationRun.objects.filter(pk=killed.pk).update(worker=dead_worker)
    evaluation.start_run(actor=system, channel="cli")  # the next run (e.g. the next night's)
    killed.refresh_from_db()
    assert killed.status == EvaluationRun.Status.INTERRUPTED
    assert "评价中断" in killed.error and "可以继续" in killed.error
    assert AuditEvent.objects.filter(action="evaluation.abandoned", target_id=str(killed.pk)).exists()
    done = evaluation.execute_run(killed)  # socredit evaluate --resume
    assert done.status == EvaluationRun.Status.DONE and done.organizations >= 1
    assert done.worker == this_worker()


def _killed_run(dead_worker, *, as_of=None):
    """A batch evaluation that evaluated nothing before its process died."""
    run = evaluation.start_run(actor=SystemPrincipal("测试"), channel="cli", as_of=as_of)
    EvaluationRun.objects.filter(pk=run.pk).update(worker=dead_worker)
    return run


def test_the_daily_job_continues_a_run_of_today_that_was_killed(dead_worker, capsys):
    org = factories.organization(region_code="410105", name="金水区养老服务协会")
    killed = _killed_run(dead_worker)
    call_command("cases", "daily")
    killed.refresh_from_db()
    assert killed.status == EvaluationRun.Status.DONE and killed.organizations >= 1
    assert CreditScore.objects.filter(organization=org, run_id=killed.pk).exists()
    assert f"#{killed.pk} 已自动继续完成" in capsys.readouterr().out
    actions = list(AuditEvent.objects.filter(target_id=str(killed.pk)).values_list("action", flat=True))
    assert "evaluation.abandoned" in actions and "evaluation.resumed" in actions
    call_command("cases", "daily")  # idempotent: nothing left to continue
    assert AuditEvent.objects.filter(action="evaluation.resumed", target_id=str(killed.pk)).count() == 1


def test_the_daily_job_closes_a_killed_run_whose_day_is_long_past(dead_worker, capsys):
    org = factories.organization(region_code="410105", name="金水区养老服务协会")
    killed = _killed_run(dead_worker, as_of=today() - dt.timedelta(days=3))
    call_command("cases", "daily")
    killed.refresh_from_db()
    # continuing would write scores as of three days ago over whatever happened since
    assert killed.status == EvaluationRun.Status.FAILED and "不再自动继续" in killed.error
    assert not CreditScore.objects.filter(organization=org, run_id=killed.pk).exists()
    assert "已过去 3 天" in capsys.readouterr().err
    assert AuditEvent.objects.filter(action="evaluation.not_resumed", target_id=str(killed.pk)).exists()
    call_command("cases", "daily")  # told once, not every day
    assert AuditEvent.objects.filter(action="evaluation.not_resumed", target_id=str(killed.pk)).count() == 1


def test_the_daily_job_does_not_continue_a_run_a_later_run_superseded(dead_worker):
    factories.organization(region_code="410105", name="金水区养老服务协会")
    killed = _killed_run(dead_worker)
    later = evaluation.run_evaluation(actor=SystemPrincipal("测试"), channel="cli")
    call_command("cases", "daily")
    killed.refresh_from_db()
    assert killed.status == EvaluationRun.Status.FAILED and f"#{later.pk}" in killed.error
    assert killed.organizations == 0
