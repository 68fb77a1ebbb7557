"""Sign-in throttling (django-axes): a lockout by account and by address after AXES_FAILURE_LIMIT
failures, a clear page, the end of the cool-off, the administrator's unlock, API calls untouched."""

import datetime as dt
import io

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from socredit.apps.audit.models import AuditEvent
from socredit.testing import factories
from socredit.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client):
    return "_auth_user_id" in client.session


def fail(client, username, times, ip="10.0.0.1"):
    for _ in range(times):
        response = attempt(client, username, "wrong-password", ip)
        assert response.status_code in (200, 429)


def test_right_password_is_refused_after_the_failure_limit(personas, client, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    fail(client, "staff_jinshui", 4)
    assert attempt(client, "staff_jinshui", "wrong-password").status_code == 429  # the 5th failure locks
    response = attempt(client, "staff_jinshui", PASSWORD)
    assert response.status_code == 429 and not signed_in(client)
    html = response.content.decode()
    assert 'name="password"' not in html  # the lockout page, not the form again


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(personas, client):
    fail(client, "staff_jinshui", 4)
    response = attempt(client, "staff_jinshui", PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_signing_in_to_ones_own_account_does_not_clear_the_count(personas, client):
    """An insider guessing at another account from the same address cannot reset the count."""
    fail(client, "staff_jinshui", 4, ip="10.3.3.3")
    assert attempt(Client(), "staff_xinzheng", PASSWORD, ip="10.3.3.3").status_code == 302
    fail(client, "staff_jinshui", 1, ip="10.3.3.3")
    assert attempt(client, "staff_jinshui", PASSWORD, ip="10.4.4.4").status_code == 429


def test_account_is_locked_whatever_the_address(personas, client):
    for i in range(5):
        attempt(client, "staff_jinshui", "wrong-password", ip=f"10.0.1.{i}")
    assert attempt(client, "staff_jinshui", PASSWORD, ip="10.0.2.1").status_code == 429
    # another account from a fresh address is untouched
    assert attempt(Client(), "staff_xinzheng", PASSWORD, ip="10.0.2.2").status_code == 302


def test_address_is_locked_whatever_the_account(personas, client):
    for name in ["a1", "a2", "a3", "staff_xinzheng", "viewer_jinshui"]:  # password spraying
        attempt(client, name, "wrong-password", ip="10.9.9.9")
    assert attempt(client, "staff_jinshui", PASSWORD, ip="10.9.9.9").status_code == 429
    assert attempt(Client(), "staff_jinshui", PASSWORD, ip="10.9.9.10").status_code == 302


def test_lockout_page_is_clear_in_chinese_and_english(personas, client, settings):
    fail(client, "staff_jinshui", 5)
    zh = attempt(client, "staff_jinshui", PASSWORD).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en = attempt(client, "staff_jinshui", PASSWORD).content.decode()
    assert "After 5 failed sign-ins" in en and "try again in 15 minutes" in en
    assert "administrator to unlock" in en
    assert "登录连续失败 5 次" in zh and "请在 15 分钟后再试" in zh and "联系平台管理员解除锁定" in zh


def test_lockout_ends_after_the_cool_off(personas, client, settings):
    fail(client, "staff_jinshui", 5)
    assert attempt(client, "staff_jinshui", PASSWORD).status_code == 429
    earlier = timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=earlier)
    assert attempt(client, "staff_jinshui", PASSWORD).status_code == 302


def test_administrator_unlocks_an_account_in_the_admin(personas, client):
    fail(client, "staff_jinshui", 5)
    admin = Client()
    admin.force_login(personas["superuser"])
    response = admin.post(
        "/admin/accounts/user/",
        {"action": "unlock_sign_in", "_selected_action": [personas["staff_jinshui"].pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert attempt(client, "staff_jinshui", PASSWORD).status_code == 302
    event = AuditEvent.objects.get(action="user.unlock")
    assert event.target_id == str(personas["staff_jinshui"].pk) and event.actor_id == personas["superuser"].pk


def test_administrator_sees_the_attempts_in_the_admin(personas, client):
    fail(client, "staff_jinshui", 5)
    admin = Client()
    admin.force_login(personas["superuser"])
    page = admin.get("/admin/axes/accessattempt/")
    assert page.status_code == 200 and "staff_jinshui" in page.content.decode()


def test_reset_commands_unlock(personas, client):
    fail(client, "staff_jinshui", 5)
    call_command("axes_reset_username", "staff_jinshui", stdout=io.StringIO())
    assert attempt(client, "staff_jinshui", PASSWORD).status_code == 302
    client.logout()
    fail(client, "nobody", 5, ip="10.7.7.7")
    call_command("axes_reset_ip", "10.7.7.7", stdout=io.StringIO())
    assert attempt(client, "staff_jinshui", PASSWORD, ip="10.7.7.7").status_code == 302


def test_api_token_and_session_calls_are_not_throttled(personas, client):
    _, raw = factories.token(["organizations:read"])
    fail(client, "staff_jinshui", 5, ip="127.0.0.1")  # the address of the calls below
    assert attempt(client, "staff_jinshui", PASSWORD, ip="127.0.0.1").status_code == 429
    api = Client()
    for _ in range(10):
        assert api.get("/api/v1/organizations", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    # a session signed in before the lockout keeps working
    staff = Client()
    staff.force_login(personas["staff_jinshui"])
    assert staff.get("/api/v1/organizations").status_code == 200
