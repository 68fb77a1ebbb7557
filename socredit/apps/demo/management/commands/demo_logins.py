"""socredit demo-logins: print where to sign in and with which demo accounts."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from socredit.apps.accounts.models import User
from socredit.apps.demo.cases import ORG_ACCOUNT
from socredit.apps.demo.loader import DEMO_PASSWORD, token_path


class Command(BaseCommand):
    help = "Print the demo URL, the demo accounts with their password and scope, and the demo API token file."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="address the server listens on")

    def handle(self, *args, url: str, **options):
        from socredit.apps.demo.loader import demo_accounts

        names = [a.username for a in demo_accounts()]
        users = {u.username: u for u in User.objects.select_related("region").filter(username__in=names)}
        out = self.stdout.write
        out("")
        out(f"社会组织信用管理平台（演示）: {url}")
        if not users:
            out("尚无演示账号：请先运行 socredit demo-data。")
            return
        out(f"演示账号，密码均为 {DEMO_PASSWORD}（仅供本机演示，切勿用于生产环境）：")
        for name in names:
            u = users.get(name)
            if u is None:
                continue
            scope = (
                "全国 · 超级管理员"
                if u.is_superuser
                else f"{u.region.name}（{u.region.code}） · {u.get_staff_role_display()}"
            )
            out(f"  {name:<12} {scope}")
        org_user = User.objects.select_related("organization").filter(username=ORG_ACCOUNT).first()
        if org_user is not None:
            out(f"  {ORG_ACCOUNT:<12} 组织账号 · {org_user.organization.name}（登录后进入“我的信用档案”）")
        path = token_path(settings.VAR_DIR)
        if path.exists():
            out(
                f"税务局接口令牌（records、organizations、credit、lists、objections:verify、complaints:write、changes:read）：{path}"
            )
            out(f"  请求头 Authorization: Bearer <该文件内容>；接口文档 {url.rstrip('/')}/api/v1/docs")
        out("")
