"""The account administration pages (/office/) for each persona, the secrets shown once, the
change of password an administrator's choice forces, and a token issued on a page, used against
the API and revoked."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from socredit.apps.accounts.models import ApiToken, StaffRole, User
from socredit.apps.audit.models import AuditEvent
from socredit.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_putuo(db):
    """An administrator of another city's district (上海市普陀区)."""
    return factories.staff("admin_putuo", "310107", StaffRole.ADMIN)


def _secret(html: str) -> str:
    return re.search(r'<code class="mono secret" id="secret-value">([^<]+)</code>', html).group(1)


@pytest.mark.parametrize(
    "route", ["office:account_list", "office:account_create", "office:token_list", "office:token_issue"]
)
def test_pages_answer_admins_and_refuse_others(route, personas, login, client):
    url = reverse(route)
    for persona, expected in (
        ("city_admin", 200),
        ("superuser", 200),
        ("staff_jinshui", 403),
        ("viewer_jinshui", 403),
    ):
        client.logout()
        assert login(personas[persona]).get(url).status_code == expected, persona
    client.logout()
    assert client.get(url).status_code == 302


def test_navigation_shows_account_administration_to_admins_only(personas, login, client):
    assert "/office/accounts/" in login(personas["city_admin"]).get("/calendar/").content.decode()
    client.logout()
    assert "/office/accounts/" not in login(personas["staff_jinshui"]).get("/calendar/").content.decode()


def test_list_filters_and_shows_lockout(personas, login, client):
    org_user = factories.org_account(factories.organization(region_code="410105"))
    for _ in range(5):
        client.post("/accounts/login/", {"username": "viewer_jinshui", "password": "wrong"})
    page = login(personas["city_admin"]).get("/office/accounts/").content.decode()
    assert "staff_xinzheng" in page and org_user.username in page and "superuser" not in page
    assert page.index("staff_jinshui") < page.index(org_user.username)  # staff first, on either database
    assert page.count("badge-bad") == 1  # viewer_jinshui locked out
    orgs_only = client.get("/office/accounts/", {"kind": "organization"}).content.decode()
    assert org_user.username in orgs_only and "staff_jinshui" not in orgs_only
    region = factories.region("410184")
    xz = client.get("/office/accounts/", {"region": region.pk, "staff_role": "officer"}).content.decode()
    assert "staff_xinzheng" in xz and "staff_jinshui" not in xz
    bad = client.get("/office/accounts/", {"region": factories.region("310107").pk})
    assert bad.status_code == 400 and "staff_jinshui" not in bad.content.decode()


def test_admin_of_another_region_gets_404_and_nothing_is_written(personas, admin_putuo, login, client):
    target = personas["staff_jinshui"]
    token, raw = factories.token(["records:read"])
    before = AuditEvent.objects.count()
    login(admin_putuo)
    assert client.get(f"/office/accounts/{target.pk}/").status_code == 404
    for action in ("disable", "reset-password", "unlock"):
        assert client.post(f"/office/accounts/{target.pk}/{action}/").status_code == 404
    region = factories.region("310107")
    assert (
        client.post(
            f"/office/accounts/{target.pk}/post/", {"region": region.pk, "staff_role": "viewer"}
        ).status_code
        == 404
    )
    assert client.get(f"/office/tokens/{token.pk}/revoke/").status_code == 404
    assert client.post(f"/office/tokens/{token.pk}/revoke/", {"reason": "越权"}).status_code == 404
    target.refresh_from_db()
    token.refresh_from_db()
    assert target.is_active and target.region.code == "410105" and target.check_password(factories.PASSWORD)
    assert token.active and AuditEvent.objects.count() == before


def test_officer_and_viewer_get_403_on_actions(personas, login, client):
    target = personas["viewer_jinshui"]
    for persona in ("staff_jinshui", "viewer_jinshui"):
        client.logout()
        login(personas[persona])
        assert client.get(f"/office/accounts/{target.pk}/").status_code == 403
        assert client.post(f"/office/accounts/{target.pk}/disable/").status_code == 403
    assert User.objects.get(pk=target.pk).is_active


def test_create_shows_the_generated_password_once_and_forces_a_change(personas, login, client):
    region = factories.region("410105")
    response = login(personas["city_admin"]).post("/office/accounts/new/", {
        "username": "wang_fang", "full_name": "王芳", "region": region.pk, "staff_role": "officer", "password": "",
    })  # fmt: skip
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = _secret(response.content.decode())
    user = User.objects.get(username="wang_fang")
    assert user.check_password(password) and user.must_change_password
    page = client.get(f"/office/accounts/{user.pk}/").content.decode()
    assert password not in page
    # the new officer signs in and is sent to change the password before anything else
    client.logout()
    assert client.post("/accounts/login/", {"username": "wang_fang", "password": password}).status_code == 302
    answer = client.get("/organizations/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/password/?next=")
    refused = client.post(
        "/accounts/password/", {"old_password": password, "new_password1": "short", "new_password2": "short"}
    )
    assert refused.status_code == 400 and User.objects.get(pk=user.pk).must_change_password
    done = client.post("/accounts/password/", {"old_password": password, "new_password1": "Wang-Fang-2026x",
                                               "new_password2": "Wang-Fang-2026x", "next": "/organizations/"})  # fmt: skip
    assert done.status_code == 302 and done["Location"] == "/organizations/"
    assert client.get("/organizations/").status_code == 200  # still signed in, free to work
    assert AuditEvent.objects.filter(action="user.change_password", actor=user).exists()


def test_create_with_bad_input_rerenders_with_field_messages(personas, login, client):
    response = login(personas["city_admin"]).post("/office/accounts/new/", {
        "username": "staff_jinshui", "full_name": "", "region": factories.region("310107").pk, "staff_role": "root",
    })  # fmt: skip
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) >= {"username", "full_name", "region", "staff_role"}
    assert "已存在" in " ".join(form.errors["username"])


def test_disable_ends_sessions_and_sign_in(personas, login, client):
    from django.test import Client

    target = personas["staff_jinshui"]
    theirs = Client()
    theirs.force_login(target)
    assert theirs.get("/organizations/").status_code == 200
    response = login(personas["city_admin"]).post(f"/office/accounts/{target.pk}/disable/")
    assert response.status_code == 302
    assert theirs.get("/organizations/").status_code == 302  # the open session has ended
    assert (
        Client()
        .post("/accounts/login/", {"username": target.username, "password": factories.PASSWORD})
        .status_code
        == 200
    )
    client.post(f"/office/accounts/{target.pk}/enable/")
    assert User.objects.get(pk=target.pk).is_active


def test_disabling_oneself_is_refused_with_a_message(personas, login, client):
    admin = personas["city_admin"]
    response = login(admin).post(f"/office/accounts/{admin.pk}/disable/")
    assert response.status_code == 400 and "不能停用自己的账号" in response.content.decode()
    assert User.objects.get(pk=admin.pk).is_active


def test_reset_password_page_shows_it_once(personas, login, client):
    target = personas["viewer_jinshui"]
    response = login(personas["city_admin"]).post(f"/office/accounts/{target.pk}/reset-password/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    raw = _secret(response.content.decode())
    assert User.objects.get(pk=target.pk).check_password(raw)
    assert raw not in client.get(f"/office/accounts/{target.pk}/").content.decode()


def test_issued_token_is_shown_once_works_and_answers_401_once_revoked(personas, login, client):
    dept = factories.department()
    response = login(personas["city_admin"]).post("/office/tokens/new/", {
        "department": dept.pk, "name": "民政业务系统", "scopes": ["organizations:read", "records:read"],
    })  # fmt: skip
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    html = response.content.decode()
    raw = _secret(html)
    assert "读取社会组织" in html and "读取信用记录" in html and "organizations:read" not in html
    token = ApiToken.objects.get(name="民政业务系统")
    assert token.key_hash != raw and raw not in token.key_hash
    listing = client.get("/office/tokens/").content.decode()
    assert raw not in listing and token.prefix in listing
    org = factories.organization(region_code="410105")
    api = client.__class__()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert api.get(f"/api/v1/organizations/{org.code}", **auth).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert client.post(f"/office/tokens/{token.pk}/revoke/", {"reason": ""}).status_code == 400
    assert client.post(f"/office/tokens/{token.pk}/revoke/", {"reason": "系统下线"}).status_code == 302
    assert api.get(f"/api/v1/organizations/{org.code}", **auth).status_code == 401
    assert "系统下线" in client.get("/office/tokens/").content.decode()


def test_token_issue_refuses_a_department_outside_the_region(personas, admin_putuo, login, client):
    dept = factories.department()  # 郑州市民政局
    response = login(admin_putuo).post(
        "/office/tokens/new/", {"department": dept.pk, "name": "x", "scopes": ["records:read"]}
    )
    assert response.status_code == 400 and "department" in response.context["form"].errors
    client.logout()
    none = login(personas["city_admin"]).post("/office/tokens/new/", {"department": dept.pk, "name": "x"})
    assert none.status_code == 400 and "scopes" in none.context["form"].errors
    assert not ApiToken.objects.exists()


def test_pages_render_in_english(personas, login, client):
    client.cookies["django_language"] = "en"
    login(personas["city_admin"])
    page = client.get("/office/accounts/").content.decode()
    assert "Account administration" in page and "New staff account" in page
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/office/accounts/").content.decode()
    assert "账号管理" in page and "新建工作人员账号" in page


def test_an_organization_account_reset_by_an_admin_changes_its_password_then_uses_my(personas, login, client):
    org_user = factories.org_account(factories.organization(region_code="410105"))
    response = login(personas["city_admin"]).post(f"/office/accounts/{org_user.pk}/reset-password/")
    raw = _secret(response.content.decode())
    client.logout()
    client.post("/accounts/login/", {"username": org_user.username, "password": raw})
    assert client.get("/my/")["Location"] == "/accounts/password/?next=%2Fmy%2F"
    assert client.get("/accounts/password/").status_code == 200
    client.post("/accounts/password/", {"old_password": raw, "new_password1": "Xiehui-Mima-77",
                                        "new_password2": "Xiehui-Mima-77", "next": "/my/"})  # fmt: skip
    assert client.get("/my/").status_code == 200
    assert client.get("/office/accounts/").status_code == 403  # still kept to its own pages
