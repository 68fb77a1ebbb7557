"""issue-token and create-staff: the raw key is printed once and works; staff accounts get their region."""

import io

import pytest
from django.core.management import CommandError, call_command

from socredit.apps.accounts.models import User
from socredit.apps.accounts.services import authenticate_token

pytestmark = pytest.mark.django_db


def test_issue_token_prints_a_working_key(civil_affairs):
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_token", "--department", civil_affairs.code, "--name", "税务系统", "--scope", "records:write",
                 "--scope", "organizations:read", stdout=out, stderr=err)  # fmt: skip
    token = authenticate_token(out.getvalue().strip())
    assert token is not None and token.scopes == ["organizations:read", "records:write"]
    assert "cannot be shown again" in err.getvalue()


def test_issue_token_refuses_unknown_department(db):
    with pytest.raises(CommandError, match="unknown department"):
        call_command("issue_token", "--department", "nope", "--name", "x", "--scope", "records:read")


def test_create_staff_with_env_password(db, monkeypatch):
    monkeypatch.setenv("SOCREDIT_PASSWORD", "Long-enough-2026")
    call_command("create_staff", "officer_js", region="410105", role="officer", stdout=io.StringIO())
    user = User.objects.get(username="officer_js")
    assert user.region.code == "410105" and user.can_write and user.check_password("Long-enough-2026")


def test_create_staff_refuses_weak_password_and_missing_region(db):
    with pytest.raises(CommandError):
        call_command("create_staff", "weak", region="410105", role="viewer", password="123")
    with pytest.raises(CommandError, match="--region"):
        call_command("create_staff", "noregion", role="viewer", password="Long-enough-2026")


def test_create_staff_makes_an_organization_account(db, capsys):
    from django.core.management import call_command

    from socredit.apps.accounts.models import User
    from socredit.testing import factories

    org = factories.organization(region_code="410105", name="郑州市金水区账号测试协会")
    call_command("create_staff", "xiehui1", organization=org.code, password="Zuzhi-pass-2026")
    user = User.objects.get(username="xiehui1")
    assert user.is_org_account and user.organization == org and user.scope_path() is None
    with pytest.raises(CommandError, match="没有统一社会信用代码"):
        call_command("create_staff", "xiehui2", organization="51410105MJ0000000X", password="Zuzhi-pass-2026")
