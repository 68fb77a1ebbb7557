"""socredit demo-data: load the reproducible demo city into an empty database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from socredit.apps.demo import generator as gen
from socredit.apps.demo.annualhistory import create_report_history
from socredit.apps.demo.annualreports import create_demo_annual_reports
from socredit.apps.demo.cases import create_demo_cases
from socredit.apps.demo.loader import DEMO_PASSWORD, DemoDataExists, create_demo_accounts, load_demo
from socredit.apps.demo.riskwarnings import create_demo_warnings
from socredit.apps.evaluation.models import CreditScore
from socredit.apps.evaluation.services import rebuild_facts, run_evaluation
from socredit.apps.lists.services import daily_run
from socredit.apps.registry.models import Organization, Region
from socredit.apps.statistics.aggregate import aggregate_day
from socredit.apps.statistics.services import set_publication
from socredit.common import clock
from socredit.common.access import SystemPrincipal


class Command(BaseCommand):
    help = "Load reproducible demo data (organizations, persons, ten years of records, demo accounts) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--orgs", type=int, default=1500, help="number of organizations (default 1500)")
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed: the same seed gives the same data"
        )
        parser.add_argument(
            "--city", default=gen.DEFAULT_CITY, help="地级 region code (default 410100 郑州市)"
        )
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing (successfully) when organizations already exist")  # fmt: skip

    def handle(self, *args, orgs: int, seed: int, city: str, if_empty: bool, **options):
        if orgs < 1:
            raise CommandError("--orgs must be at least 1")
        try:
            gen.city_layout(city)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        existing = Organization.objects.count()
        if existing:
            if if_empty:
                self.stdout.write(f"数据库中已有 {existing} 个社会组织，沿用现有数据（--if-empty）。")
                if not CreditScore.objects.exists():  # a database from before the evaluation existed
                    self._evaluate(clock.today())
                return
            raise CommandError(
                f"数据库中已有 {existing} 个社会组织：演示数据只载入空数据库，不会重复载入。"
                " 如需重新生成，请删除数据库文件（var/socredit.sqlite3）后执行 migrate 再运行本命令；"
                " 若只想在空库时载入，请加 --if-empty。"
            )
        today = clock.today()
        step = max(orgs // 10, 1)

        def progress(done: int, total: int) -> None:
            if done % step < 2000 or done == total:
                self.stdout.write(f"  {done}/{total} 个社会组织…")

        self.stdout.write(f"生成并载入演示数据：{orgs} 个社会组织，种子 {seed}，城市 {city}，截至 {today}")
        try:
            result = load_demo(orgs=orgs, seed=seed, city=city, today=today,
                               progress=progress if orgs >= 20_000 else None)  # fmt: skip
        except DemoDataExists as exc:
            raise CommandError(str(exc)) from None
        self._evaluate(today)
        users, token_file = create_demo_accounts(city=city, var_dir=settings.VAR_DIR)
        if city == gen.DEFAULT_CITY:
            cases = create_demo_cases(password=DEMO_PASSWORD, today=today)
            reports = create_demo_annual_reports(today=today)
            self._report_history(today)
            self.stdout.write(f"年度工作报告：提交 {reports.get('submitted', 0) + reports.get('own_pass', 0) + reports.get('own_returned', 0)} 份，"
                              f"退回 {reports.get('returned', 0) + reports.get('own_returned', 0)} 份，"
                              f"办结 {reports.get('concluded', 0) + reports.get('own_pass', 0)} 份")  # fmt: skip
            self.stdout.write(f"案件：{'、'.join(v for k, v in cases.items() if k in ('objection', 'overdue', 'complaint'))}"
                              f"（超期督办 {cases.get('escalated', 0)} 项）")  # fmt: skip
            done = cases.get("office", {})
            self.stdout.write(
                f"往日办件：列入决定 {done.get('listings', 0)} 项（事先告知 {done.get('notices', 0)} 份），"
                f"红名单公布 {done.get('red_published', 0)} 个，变更登记 {done.get('registration_changes', 0)} 项，"
                f"异议、修复、举报案件 {done.get('objections', 0) + done.get('repairs', 0) + done.get('complaints', 0)} 件"
            )
            warned = create_demo_warnings(today=today)
            self.stdout.write(f"风险预警：未办结 {warned.get('open', 0)} 条（街镇走访申报 {warned.get('visits', 0)} 条，"
                              f"逾期升级 {warned.get('escalated', 0)} 条）")  # fmt: skip
            self.stdout.write(
                f"双随机抽查：计划 {done.get('spot_check_plans', 0)} 个，检查结果 {done.get('spot_check_results', 0)} 项"
                f"（未能录入 {done.get('spot_check_results_skipped', 0)} 项），结果公开 {done.get('spot_check_published', 0)} 个"
                f"（未能公开 {done.get('spot_check_published_skipped', 0)} 个）"
            )
        else:
            self._report_history(today)
        self._statistics(city, today)
        self.stdout.write(self.style.SUCCESS(
            f"已载入 {result.organizations} 个社会组织、{result.persons} 名人员、{result.roles} 条任职、"
            f"{result.records} 条信用记录，用时 {result.seconds:.1f} 秒。"
        ))  # fmt: skip
        if users:
            self.stdout.write(f"演示账号：{'、'.join(users)}（密码 {DEMO_PASSWORD}，仅供演示）")
        self.stdout.write(f"演示接口令牌已写入 {token_file}")

    def _report_history(self, today: Any) -> None:
        # before the warnings and the statistics, which read the reports
        history = create_report_history(today=today)
        self.stdout.write(f"历年年度工作报告：{history.get('submitted', 0) + history.get('concluded', 0)} 份"
                          f"（已办结 {history.get('concluded', 0)} 份）")  # fmt: skip

    def _statistics(self, city: str, today: Any) -> None:
        # the night's aggregation, so that the dashboards have figures; the city publishes some of them.
        # The last day of the previous quarter too: a quarter's assessment report compares with it.
        day = min(today, clock.today())
        quarter_start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        aggregate_day(SystemPrincipal("demo"), quarter_start - dt.timedelta(days=1), channel="system")
        outcome = aggregate_day(SystemPrincipal("demo"), day, channel="system")
        region = Region.objects.filter(code=city).first()
        if region is not None:
            set_publication(actor=SystemPrincipal("demo"), channel="system", region=region,
                            panels=["org_type", "org_field", "credit_level", "list_in_force", "annual_reports"])  # fmt: skip
        self.stdout.write(f"统计汇总：{outcome.figures} 项数字（{outcome.day.isoformat()}）")

    def _evaluate(self, today):
        # The loader writes rows directly, so the live update did not see them: pack and evaluate once.
        rebuild_facts(actor=SystemPrincipal("demo"), channel="system")
        run = run_evaluation(actor=SystemPrincipal("demo"), channel="system", as_of=today)
        # …and let the daily list run propose listings from the demo records, for staff to confirm.
        lists_run = daily_run(SystemPrincipal("demo"), today)
        self.stdout.write(f"信用名录：{lists_run.counts.get('proposals', 0)} 条列入建议待确认")
        self.stdout.write(
            "信用评价："
            + "，".join(f"{k} 级 {run.level_counts.get(k, 0)} 个" for k in "ABCD")
            + f"（模型 {run.model_version}，用时 {run.seconds:.1f} 秒）"
        )
