"""The services of the account administration (账号管理): scope, the post ceiling, the last
administrator of a region, one's own account, and bad input with messages naming the field."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from socredit.apps.accounts import services
from socredit.apps.accounts.access import access_account, administered_accounts, administered_tokens
from socredit.apps.accounts.models import ApiToken, StaffRole, User
from socredit.apps.audit.models import AuditEvent
from socredit.common.errors import FieldErrors
from socredit.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins(personas):
    return {
        "city": personas["city_admin"],
        "jinshui": factories.staff("admin_jinshui", "410105", StaffRole.ADMIN),
        "xinzheng": factories.staff("admin_xinzheng", "410184", StaffRole.ADMIN),
        "shanghai": factories.staff("admin_putuo", "310107", StaffRole.ADMIN),
    }


def _create(actor, username="new_officer", region="410105", role=StaffRole.OFFICER, **extra):
    return services.create_staff_account(actor=actor, channel="form", username=username, full_name="王芳",
                                         region=factories.region(region), staff_role=role, **extra)  # fmt: skip


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_city_admin_creates_an_officer_of_a_district_with_a_generated_password(admins):
    user, password = _create(admins["city"])
    assert password and len(password) == 14
    assert (user.region.code, user.staff_role, user.must_change_password) == ("410105", "officer", True)
    assert User.objects.get(username="new_officer").check_password(password)
    (event,) = [e for e in _events("user.create") if e.actor_id is not None]
    assert event.actor_id == admins["city"].pk and "金水区" in event.summary and "经办人员" in event.summary
    assert password not in event.summary and password not in str(event.data)


def test_a_chosen_password_is_validated_and_named(admins):
    with pytest.raises(FieldErrors) as exc:
        _create(admins["city"], password="123")
    assert "password" in exc.value.errors
    assert not User.objects.filter(username="new_officer").exists()
    user, generated = _create(admins["city"], password="Lang-Tian-2026")
    assert generated is None and user.check_password("Lang-Tian-2026") and user.must_change_password


def test_bad_input_names_every_field(admins):
    with pytest.raises(FieldErrors) as exc:
        services.create_staff_account(actor=admins["jinshui"], channel="form", username="bad name!", full_name="",
                                      region=factories.region("410184"), staff_role="chief")  # fmt: skip
    errors = exc.value.errors
    assert set(errors) == {"username", "full_name", "region", "staff_role"}
    assert "新郑市不在您管理的区划内" in errors["region"][0]
    with pytest.raises(FieldErrors) as exc:
        _create(admins["city"], username="CITY_ADMIN")
    assert "已存在" in exc.value.errors["username"][0]
    assert AuditEvent.objects.filter(action="user.create", actor_id=admins["city"].pk).count() == 0


def test_a_district_admin_cannot_place_an_account_above_the_district(admins):
    with pytest.raises(FieldErrors) as exc:
        _create(admins["jinshui"], region="410100")
    assert "郑州市不在您管理的区划内" in exc.value.errors["region"][0]
    user, _ = _create(admins["jinshui"], role=StaffRole.ADMIN)  # within the district, up to their own post
    assert user.staff_role == StaffRole.ADMIN


def test_no_one_grants_a_post_above_their_own(admins):
    officer = factories.staff("officer_admin_try", "410105", StaffRole.OFFICER)
    with pytest.raises(PermissionDenied):
        _create(officer)  # not an administrator at all
    viewer = factories.staff("viewer_x", "410105", StaffRole.VIEWER)
    with pytest.raises(PermissionDenied):
        services.change_staff_post(actor=viewer, channel="form", user=officer,
                                   region=factories.region("410105"), staff_role=StaffRole.ADMIN)  # fmt: skip
    assert User.objects.get(pk=officer.pk).staff_role == StaffRole.OFFICER


def test_an_admin_acting_outside_the_region_writes_nothing(admins, personas):
    target = personas["staff_jinshui"]
    before = AuditEvent.objects.count()
    for act in (
        lambda: services.set_account_active(actor=admins["xinzheng"], channel="form", user=target, active=False),
        lambda: services.reset_password(actor=admins["shanghai"], channel="form", user=target),
        lambda: services.change_staff_post(actor=admins["xinzheng"], channel="form", user=target,
                                           region=factories.region("410184"), staff_role=StaffRole.VIEWER),
        lambda: services.unlock_sign_in(actor=admins["shanghai"], channel="form", user=target),
        lambda: services.set_account_active(actor=admins["jinshui"], channel="form", user=admins["city"], active=False),
    ):  # fmt: skip
        with pytest.raises(PermissionDenied):
            act()
    target.refresh_from_db()
    assert target.is_active and target.check_password(factories.PASSWORD) and target.region.code == "410105"
    assert AuditEvent.objects.count() == before


def test_scope_of_the_lists(admins, personas):
    org = factories.organization(region_code="410105")
    org_user = factories.org_account(org)
    names = lambda admin: set(administered_accounts(admin).values_list("username", flat=True))  # noqa: E731
    assert names(admins["jinshui"]) == {"admin_jinshui", "staff_jinshui", "viewer_jinshui", org_user.username}
    assert "staff_xinzheng" in names(admins["city"]) and "admin_putuo" not in names(admins["city"])
    assert "superuser" not in names(admins["city"]) and "superuser" in names(personas["superuser"])
    assert names(personas["staff_jinshui"]) == set()
    from django.http import Http404

    with pytest.raises(Http404):
        access_account(admins["xinzheng"], personas["staff_jinshui"].pk)
    with pytest.raises(PermissionDenied):
        access_account(personas["staff_jinshui"], personas["viewer_jinshui"].pk)


def test_change_post_and_region_within_scope(admins, personas):
    user = personas["staff_jinshui"]
    services.change_staff_post(actor=admins["city"], channel="form", user=user,
                               region=factories.region("410184"), staff_role=StaffRole.VIEWER)  # fmt: skip
    user.refresh_from_db()
    assert (user.region.code, user.staff_role) == ("410184", StaffRole.VIEWER)
    (event,) = _events("user.change_post")
    assert event.data == {"before": {"region": "410105", "role": "officer"},
                          "after": {"region": "410184", "role": "viewer"}}  # fmt: skip
    with pytest.raises(FieldErrors) as exc:
        services.change_staff_post(actor=admins["xinzheng"], channel="form", user=user,
                                   region=factories.region("410100"), staff_role=StaffRole.ADMIN)  # fmt: skip
    assert "郑州市不在您管理的区划内" in exc.value.errors["region"][0]


def test_organization_accounts_have_no_post(admins):
    org_user = factories.org_account(factories.organization(region_code="410105"))
    with pytest.raises(FieldErrors) as exc:
        services.change_staff_post(actor=admins["city"], channel="form", user=org_user,
                                   region=factories.region("410105"), staff_role=StaffRole.ADMIN)  # fmt: skip
    assert "组织账号" in exc.value.errors["__all__"][0]
    services.set_account_active(actor=admins["jinshui"], channel="form", user=org_user, active=False)
    assert not User.objects.get(pk=org_user.pk).is_active


def test_no_one_disables_themselves_or_changes_their_own_post(admins):
    for act in (
        lambda: services.set_account_active(actor=admins["city"], channel="form", user=admins["city"], active=False),
        lambda: services.change_staff_post(actor=admins["city"], channel="form", user=admins["city"],
                                           region=factories.region("410100"), staff_role=StaffRole.OFFICER),
        lambda: services.reset_password(actor=admins["city"], channel="form", user=admins["city"]),
    ):  # fmt: skip
        with pytest.raises(FieldErrors):
            act()
    assert User.objects.get(pk=admins["city"].pk).is_active


def test_the_last_active_admin_of_a_region_stays(admins, personas):
    sole = admins["jinshui"]
    city = admins["city"]
    with pytest.raises(FieldErrors) as exc:
        services.set_account_active(actor=city, channel="form", user=sole, active=False)
    assert "唯一在用的管理员" in exc.value.errors["__all__"][0] and "金水区" in exc.value.errors["__all__"][0]
    with pytest.raises(FieldErrors):
        services.change_staff_post(actor=city, channel="form", user=sole,
                                   region=factories.region("410105"), staff_role=StaffRole.OFFICER)  # fmt: skip
    with pytest.raises(FieldErrors):
        services.change_staff_post(actor=city, channel="form", user=sole,
                                   region=factories.region("410184"), staff_role=StaffRole.ADMIN)  # fmt: skip
    second, _ = _create(city, username="admin_jinshui_2", role=StaffRole.ADMIN)
    services.set_account_active(actor=city, channel="form", user=sole, active=False)
    assert not User.objects.get(pk=sole.pk).is_active
    # the last active one again: the disabled one does not count
    with pytest.raises(FieldErrors):
        services.set_account_active(actor=city, channel="form", user=second, active=False)
    services.set_account_active(actor=city, channel="form", user=sole, active=True)
    assert [e.summary[:2] for e in _events("user.disable") + _events("user.enable")] == ["停用", "启用"]


def test_reset_password_shows_a_new_one_once_and_forces_a_change(admins, personas):
    user = personas["staff_jinshui"]
    raw = services.reset_password(actor=admins["jinshui"], channel="form", user=user)
    user.refresh_from_db()
    assert (
        user.check_password(raw) and not user.check_password(factories.PASSWORD) and user.must_change_password
    )
    (event,) = _events("user.reset_password")
    assert raw not in event.summary and raw not in str(event.data)
    services.change_own_password(user=user, channel="form", password="Ziji-de-Mima-9")
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("Ziji-de-Mima-9")


def test_unlock_forgets_the_failed_sign_ins(admins, personas, client):
    user = personas["viewer_jinshui"]
    for _ in range(5):
        client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    from socredit.apps.accounts.access import locked_usernames

    assert locked_usernames([user.username, "staff_jinshui"]) == {user.username}
    assert services.unlock_sign_in(actor=admins["jinshui"], channel="form", user=user) >= 1
    assert locked_usernames([user.username]) == set()


def test_issue_token_checks_department_scope_name_and_scopes(admins):
    dept = factories.department("xz-tax", "新郑市税务局", "410184")
    with pytest.raises(FieldErrors) as exc:
        services.issue_token(
            actor=admins["jinshui"], channel="form", department=dept, name=" ", scopes=["all"]
        )
    assert set(exc.value.errors) == {"department", "name", "scopes"}
    assert "新郑市税务局 不在您管理的区划内" in exc.value.errors["department"][0]
    assert not ApiToken.objects.exists()
    token, raw = services.issue_token(actor=admins["city"], channel="form", department=dept, name="税务核查",
                                      scopes=["records:read"])  # fmt: skip
    assert list(administered_tokens(admins["xinzheng"])) == [token]
    assert list(administered_tokens(admins["jinshui"])) == []
    (event,) = _events("token.issue")
    assert raw not in event.summary and raw not in str(event.data) and token.key_hash not in str(event.data)


def test_revoke_needs_a_reason_and_happens_once(admins):
    token, raw = factories.token(["records:read"])
    with pytest.raises(FieldErrors) as exc:
        services.revoke_token(actor=admins["city"], channel="form", token=token, reason="  ")
    assert "reason" in exc.value.errors and services.authenticate_token(raw) is not None
    with pytest.raises(FieldErrors) as exc:
        services.revoke_token(actor=admins["city"], channel="form", token=token, reason="长" * 501)
    assert "最多 500 字" in exc.value.errors["reason"][0]
    services.revoke_token(actor=admins["city"], channel="form", token=token, reason="令牌可能泄露" * 40)
    token.refresh_from_db()
    assert (token.active, token.revoked_by, token.revoke_reason) == (
        False,
        admins["city"],
        "令牌可能泄露" * 40,
    )
    assert services.authenticate_token(raw) is None
    (event,) = _events("token.revoke")
    assert len(event.summary) < 250 and event.data == {"reason": "令牌可能泄露" * 40}
    with pytest.raises(FieldErrors) as exc:
        services.revoke_token(actor=admins["city"], channel="form", token=token, reason="again")
    assert "已于" in exc.value.errors["reason"][0]
