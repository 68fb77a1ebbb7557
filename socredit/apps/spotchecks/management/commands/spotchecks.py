"""`socredit spotchecks announce|draw|audit|frame|assign|overdue …` — the 双随机 plan from the console.

``audit PLAN`` re-draws from the published seed and the frozen frame and compares with the stored
draw (exit status 1 on any difference); ``frame PLAN`` prints the frame (``code|level|field|lists|
recently_checked``, one line per organization) so that anyone can re-run the published method.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from socredit.apps.spotchecks import frames, services
from socredit.apps.spotchecks.models import SpotCheckPlan
from socredit.common.access import SystemPrincipal
from socredit.common.errors import FieldErrors
from socredit.core.sampling import frame_text


class Command(BaseCommand):
    help = "Spot-check plans (双随机、一公开): publish the seed, draw, audit a draw, draw inspectors, overdue rectifications."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("announce", "freeze the frame and publish the seed (before the draw)"),
            ("draw", "draw the organizations from the published seed (idempotent)"),
            ("audit", "re-draw from the published seed and compare with the stored draw"),
            ("frame", "print the frozen frame the draw reads"),
            ("assign", "draw the inspectors of every check (idempotent)"),
        ):
            p = sub.add_parser(name, help=text)
            p.add_argument("plan", type=int, help="the plan's number")
            p.add_argument("--as", dest="username", help="act as this staff account")
            if name == "announce":
                p.add_argument("--seed", default="", help="a seed drawn in public (default: 128 random bits)")
        overdue = sub.add_parser("overdue", help="record rectifications not completed by their deadline")
        overdue.add_argument("--as", dest="username", help="act as this staff account")

    def _actor(self, opts: dict[str, Any]) -> object:
        name = opts.get("username")
        if not name:
            return SystemPrincipal("cli")
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise CommandError(f"没有该账号：{name}")
        return user

    def handle(self, *args: Any, **opts: Any) -> None:
        actor = self._actor(opts)
        try:
            if opts["action"] == "overdue":
                n = services.record_overdue(actor=actor, channel="cli")
                self.stdout.write(f"逾期未完成整改：新记录 {n} 条")
                return
            plan = SpotCheckPlan.objects.select_related("authority").filter(pk=opts["plan"]).first()
            if plan is None:
                raise CommandError(f"没有该抽查计划：{opts['plan']}")
            getattr(self, f"_{opts['action']}")(actor, plan, opts)
        except FieldErrors as exc:
            raise CommandError(exc.as_text()) from None

    def _announce(self, actor: object, plan: SpotCheckPlan, opts: dict[str, Any]) -> None:
        plan = services.announce_plan(actor=actor, channel="cli", plan=plan, seed=opts.get("seed", ""))
        self.stdout.write(f"已公布：种子 {plan.seed}；方法 {plan.method}；名录库 {plan.frame_size} 个组织，"
                          f"摘要 {plan.frame_digest}；法定最少 {plan.required} 个")  # fmt: skip

    def _draw(self, actor: object, plan: SpotCheckPlan, opts: dict[str, Any]) -> None:
        plan = services.draw_plan(actor=actor, channel="cli", plan=plan)
        n = plan.checks.count()
        onsite = plan.checks.filter(onsite=True).count()
        self.stdout.write(
            f"抽取结果：{n} 个组织（现场检查 {onsite} 个），名录库 {plan.frame_size} 个，种子 {plan.seed}"
        )

    def _audit(self, actor: object, plan: SpotCheckPlan, opts: dict[str, Any]) -> None:
        report = services.audit_plan(plan)
        self.stdout.write(f"名录库摘要{'一致' if report.digest_matches else '不一致'}：{plan.frame_digest}")
        for label, codes in (("重抽有而记录无", report.missing), ("记录有而重抽无", report.extra),
                             ("检查方式不同", report.mode_differs)):  # fmt: skip
            if codes:
                self.stdout.write(f"{label}：{'、'.join(codes)}")
        if not report.ok:
            raise CommandError("复核不一致：抽取结果与公布的种子和名录库不符")
        self.stdout.write(f"复核一致：以种子 {plan.seed}（{plan.method}）重新抽取，结果与记录相同")

    def _frame(self, actor: object, plan: SpotCheckPlan, opts: dict[str, Any]) -> None:
        if not plan.frame:
            raise CommandError("该计划尚未公布随机种子，名录库尚未固定")
        self.stdout.write(frame_text(frames.unpack(plan.frame)), ending="")

    def _assign(self, actor: object, plan: SpotCheckPlan, opts: dict[str, Any]) -> None:
        n = services.assign_plan(actor=actor, channel="cli", plan=plan)
        self.stdout.write(f"随机匹配检查人员：{n} 人次" if n else "检查人员已匹配，未作改动")
