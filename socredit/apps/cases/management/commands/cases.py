"""`socredit cases daily [--as-of DATE]`: the daily duties of the case engine (idempotent).

1. 督办: escalate every step and case whose working-day deadline has passed (once each);
2. publicity: records whose maximum publicity period ended leave public view (rules.md R2.8);
3. the audit chain's head is anchored (``socredit audit anchor``, docs/audit.md);
4. annual work reports: the filing-deadline run for the year before (``annualreports.deadlines``:
   ``annual_report_missing`` the day after an organization's deadline, ``annual_report_late`` for a
   late first filing; also ``socredit annualreports deadline``);
5. the daily duties of the apps above (``cases.daily.daily_duties``: the risk-warning run, the dormancy identification);
6. batch evaluations whose process died are continued where that is safe, or closed with the reason
   (``evaluation.services.resume_interrupted_runs``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from socredit.apps.annualreports.deadlines import run_deadlines
from socredit.apps.audit.services import anchor_head
from socredit.apps.cases.daily import daily_duties
from socredit.apps.cases.services.common import escalate_overdue, today
from socredit.apps.evaluation.services import resume_interrupted_runs
from socredit.apps.records.publicity import expire_publicity
from socredit.common.access import SystemPrincipal
from socredit.common.errors import FieldErrors
from socredit.core.values import parse_date


class Command(BaseCommand):
    help = "Cases (异议/修复/举报): daily escalation of overdue steps and the end of publicity periods."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        daily = sub.add_parser(
            "daily",
            help="escalate overdue steps; end expired publicity; record missing and late annual reports; "
            "anchor the audit chain; continue interrupted evaluation runs (idempotent)",
        )
        daily.add_argument("--as-of", help="as of this date (YYYY-MM-DD; default today)")

    def handle(self, *args: Any, **opts: Any) -> None:
        as_of = None
        if opts.get("as_of"):
            try:
                as_of = parse_date(opts["as_of"], today=today())
            except ValueError as exc:
                # a future --as-of would escalate and end publicity on days that have not come
                raise CommandError(f"--as-of 日期有误：{exc}；不能按未来日期运行") from None
        as_of = as_of or today()
        actor = SystemPrincipal("cli")
        try:
            escalated = escalate_overdue(actor, as_of)
            expired = expire_publicity(actor, as_of)
            reports = run_deadlines(actor, as_of=as_of)
        except FieldErrors as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"超期督办 {escalated} 项；公示期届满停止公示 {expired} 条记录")
        self.stdout.write(
            f"{reports.year}年度工作报告：逾期未报送新记录 {reports.written_missing} 条，逾期报送新记录 "
            f"{reports.written_late} 条"
        )
        for error in reports.errors[:20]:
            self.stderr.write(error)
        try:
            for _receiver, line in daily_duties.send(sender=self.__class__, as_of=as_of, actor=actor):
                if line:
                    self.stdout.write(str(line))
        except FieldErrors as exc:
            raise CommandError(str(exc)) from None
        anchored = anchor_head()
        if anchored:
            self.stdout.write(f"审计链头已锚定：事件 {anchored['id']}，{anchored['hash']}")
        # last: a resumed national evaluation takes a minute, and the duties above must not wait on it
        failed = False
        for outcome in resume_interrupted_runs(day=as_of):
            run = outcome.run
            if outcome.resumed:
                self.stdout.write(f"中断的评价批次 #{run.pk} 已自动继续完成：{run.organizations:,} 个组织")
            else:
                failed = failed or outcome.reason.startswith("继续时出错")
                self.stderr.write(f"中断的评价批次 #{run.pk} 未自动继续：{outcome.reason}")
        if failed:
            raise CommandError("有中断的评价批次继续时出错，见上")
