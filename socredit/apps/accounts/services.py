"""Writers for accounts: staff users and department tokens."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from socredit.apps.accounts.models import ApiToken, StaffRole, TokenScope, User, hash_token
from socredit.apps.audit.services import record_event
from socredit.apps.registry.models import Department, Region
from socredit.common.errors import FieldErrors


@transaction.atomic
def create_staff_user(
    *, actor: Any, channel: str, username: str, password: str, region: Region | None, staff_role: str,
    full_name: str = "", superuser: bool = False,
) -> User:  # fmt: skip
    if staff_role not in StaffRole.values:
        raise FieldErrors(staff_role=gettext("Unknown role “%(staff_role)s”") % {"staff_role": staff_role})
    if User.objects.filter(username=username).exists():
        raise FieldErrors(
            username=gettext("The account “%(username)s” already exists") % {"username": username}
        )
    user = User(username=username, region=region, staff_role=staff_role, full_name=full_name,
                is_staff=superuser or staff_role == StaffRole.ADMIN, is_superuser=superuser)  # fmt: skip
    user.set_password(password)
    user.save()
    record_event(actor=actor, channel=channel, action="user.create", target=user,
                 summary=f"创建账号 {username}", data={"region": region.code if region else None, "role": staff_role})  # fmt: skip
    return user


@transaction.atomic
def create_organization_account(
    *, actor: Any, channel: str, organization: Any, username: str, password: str, full_name: str = ""
) -> User:
    """组织账号: a user of the organization itself, who sees only its own file under /my/."""
    if User.objects.filter(username=username).exists():
        raise FieldErrors(
            username=gettext("The account “%(username)s” already exists") % {"username": username}
        )
    user = User(
        username=username, organization=organization, staff_role=StaffRole.VIEWER, full_name=full_name
    )
    user.set_password(password)
    user.save()
    record_event(actor=actor, channel=channel, action="user.create_organization_account", target=user,
                 summary=f"创建组织账号 {username}（{organization.name}）", data={"organization": organization.code})  # fmt: skip
    return user


TOKEN_NAME_MAX = 100


@transaction.atomic
def issue_token(
    *, actor: Any, channel: str, department: Department, name: str, scopes: Iterable[str]
) -> tuple[ApiToken, str]:
    """Create a token for a department system; returns the token and the raw key (shown once)."""
    scopes = sorted(set(scopes))
    errors = FieldErrors()
    unknown = [s for s in scopes if s not in TokenScope.values]
    if unknown:
        errors.add("scopes", gettext("Unknown scopes: %(join)s") % {"join": "、".join(unknown)})
    name = name.strip()
    if not name:
        errors.add("name", gettext("Enter the token's name (the system that uses it)"))
    elif len(name) > TOKEN_NAME_MAX:
        errors.add(
            "name",
            gettext("The token's name may have at most %(token_name_max)s characters; it has %(count)s")
            % {"token_name_max": TOKEN_NAME_MAX, "count": len(name)},
        )
    if isinstance(actor, User) and not actor.is_superuser:
        path = actor.scope_path()
        if path is None or not department.region.path.startswith(path):
            errors.add(
                "department",
                gettext("%(name)s is outside the regions you administer") % {"name": department.name},
            )
    errors.raise_if_any()
    raw = ApiToken.new_key()
    token = ApiToken.objects.create(department=department, name=name, prefix=raw[:10],
                                    key_hash=hash_token(raw), scopes=scopes,
                                    created_by=actor if isinstance(actor, User) else None)  # fmt: skip
    record_event(actor=actor, channel=channel, action="token.issue", target=token,
                 summary=f"为 {department.name} 签发接口令牌 {name}", data={"scopes": scopes})  # fmt: skip
    return token, raw


_TOKEN_CACHE: dict[str, tuple[float, ApiToken]] = {}
"""Tokens found recently in this process: key hash → (monotonic time read, token with its department
and region). A plain dict: one entry per department system, each read-only once stored."""
_TOKEN_CACHE_MAX = 10_000
_clock = time.monotonic
"""The cache's clock (seconds, monotonic); tests move it instead of sleeping."""


def forget_token(key_hash: str | None = None) -> None:
    """Drop one token (or all) from this process's token cache (on revocation or any change)."""
    if key_hash is None:
        _TOKEN_CACHE.clear()
    else:
        _TOKEN_CACHE.pop(key_hash, None)


def on_token_saved(sender: Any, instance: ApiToken, **_: Any) -> None:
    """post_save/post_delete receiver: a token changed anywhere in this process is read afresh."""
    forget_token(instance.key_hash)


def authenticate_token(raw: str) -> ApiToken | None:
    """The usable token for a raw key, or None.

    One indexed lookup (the key hash, with the department and its region), then kept in this
    process for SOCREDIT_TOKEN_CACHE_SECONDS: another process's revocation takes effect within that
    time, this process's at once (``on_token_saved``). Expiry is checked on every request.
    Touches last_used_at at most once a minute.
    """
    if not raw or not raw.startswith("sc_"):
        return None
    key_hash = hash_token(raw)
    now = _clock()
    cached = _TOKEN_CACHE.get(key_hash)
    if cached is not None and now - cached[0] < settings.SOCREDIT_TOKEN_CACHE_SECONDS:
        token = cached[1]
    else:
        token = ApiToken.objects.select_related("department__region").filter(key_hash=key_hash).first()
        if token is None:
            _TOKEN_CACHE.pop(key_hash, None)
            return None
        if len(_TOKEN_CACHE) >= _TOKEN_CACHE_MAX:
            _TOKEN_CACHE.clear()  # a bound, never reached by real department systems
        _TOKEN_CACHE[key_hash] = (now, token)
    if not token.usable:
        return None
    moment = timezone.now()
    if token.last_used_at is None or (moment - token.last_used_at).total_seconds() > 60:
        token.last_used_at = moment
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)  # bookkeeping, not a domain change
    return token


REVOKE_REASON_MAX = 500


def _short(text: str, limit: int = 120) -> str:
    """A reason as it fits in an audit summary (the whole text goes in the event's data)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@transaction.atomic
def revoke_token(*, actor: Any, channel: str, token: ApiToken, reason: str) -> None:
    """Stop a token for good (吊销): its calls answer 401 from now on, in every process within
    SOCREDIT_TOKEN_CACHE_SECONDS and in this one at once. The reason is kept on the token."""
    reason = reason.strip()
    if not reason:
        raise FieldErrors(reason=gettext("Enter the reason for revoking"))
    if len(reason) > REVOKE_REASON_MAX:
        raise FieldErrors(
            reason=gettext(
                "The reason for revoking may have at most %(revoke_reason_max)s characters; it has %(count)s"
            )
            % {"revoke_reason_max": REVOKE_REASON_MAX, "count": len(reason)}
        )
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise FieldErrors(
            reason=gettext("The token %(name)s was revoked on %(localtime)s")
            % {
                "name": token.name,
                "localtime": format(timezone.localtime(token.revoked_at), "%Y-%m-%d %H:%M"),
            }
        )
    token.active = False
    token.revoked_at = timezone.now()
    token.revoked_by = actor if isinstance(actor, User) else None
    token.revoke_reason = reason
    token.save(update_fields=["active", "revoked_at", "revoked_by", "revoke_reason"])
    forget_token(token.key_hash)
    record_event(actor=actor, channel=channel, action="token.revoke", target=token,
                 summary=f"吊销 {token.department.name} 的接口令牌 {token.name}（{token.prefix}…）：{_short(reason)}",
                 data={"reason": reason})  # fmt: skip


@transaction.atomic
def unlock_sign_in(*, actor: Any, channel: str, user: User) -> int:
    """Lift a sign-in lockout (django-axes) of ``user``'s account at once: forget its failed
    attempts, from whatever address. Returns how many were forgotten (0: it was not locked)."""
    from axes.utils import reset

    if isinstance(actor, User):
        _check_target(actor, user)
    count = reset(username=user.get_username())
    record_event(actor=actor, channel=channel, action="user.unlock", target=user,
                 summary=f"解除账号 {user.get_username()} 的登录锁定", data={"failed_attempts": count})  # fmt: skip
    return count


# --- Account administration by a region's administrators (账号管理) ---------------------------------

ROLE_RANK = {StaffRole.VIEWER: 0, StaffRole.OFFICER: 1, StaffRole.ADMIN: 2}
ROLE_ZH = {StaffRole.ADMIN: "管理员", StaffRole.OFFICER: "经办人员", StaffRole.VIEWER: "只读人员"}
"""The posts in the audit summaries, which are Chinese whatever the page's language."""
FULL_NAME_MAX = 50
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 — the letters, not a password
"""Letters and digits without the look-alikes (l, 1, I, O, 0, i, o): read aloud or typed from paper."""


def generate_password() -> str:
    """A one-time password of three groups of four, e.g. ``Kp7w-mX3r-Tq9z`` (about 71 bits)."""
    return "-".join("".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3))


def _actor_path(actor: Any) -> str:
    """The administrator's region path ("" for a superuser); refuses anyone else."""
    if getattr(actor, "is_superuser", False):
        return ""
    path = actor.scope_path() if isinstance(actor, User) else None
    if path is None or actor.staff_role != StaffRole.ADMIN or actor.organization_id is not None:
        raise PermissionDenied(gettext("Only administrators can manage accounts"))
    return path


def _check_target(actor: Any, user: User) -> None:
    """The account lies within the administrator's region (views fetch it through access_account
    already; this keeps a service call from elsewhere inside the same bounds)."""
    path = _actor_path(actor)
    if path == "":
        return
    region = user.organization.region if user.organization_id else user.region
    if user.is_superuser or region is None or not region.path.startswith(path):
        raise PermissionDenied(gettext("This account is outside the regions you administer"))


def _post_errors(actor: Any, errors: FieldErrors, region: Region | None, staff_role: str) -> None:
    path = _actor_path(actor)
    if region is None:
        errors.add("region", gettext("Choose the account's region"))
    elif not region.path.startswith(path):
        errors.add(
            "region",
            gettext("%(name)s is outside the regions you administer; choose your region or one below it")
            % {"name": region.name},
        )
    elif not region.active:
        errors.add("region", gettext("%(name)s is no longer a current region") % {"name": region.name})
    if staff_role not in StaffRole.values:
        errors.add("staff_role", gettext("Unknown role “%(staff_role)s”") % {"staff_role": staff_role})
    elif not actor.is_superuser and ROLE_RANK[StaffRole(staff_role)] > ROLE_RANK[StaffRole(actor.staff_role)]:
        errors.add("staff_role", gettext("You cannot grant a role above your own"))


def _password_errors(errors: FieldErrors, password: str, user: User) -> None:
    from django.contrib.auth.password_validation import validate_password

    try:
        validate_password(password, user)
    except ValidationError as exc:
        for message in exc.messages:
            errors.add("password", message)


def _keep_one_admin(user: User, what: str) -> None:
    """Refuse to leave ``user``'s region without an active administrator (the rows are locked, so
    two administrators disabling each other at once cannot both succeed)."""
    if (
        user.staff_role != StaffRole.ADMIN
        or not user.is_active
        or user.organization_id
        or user.region_id is None
    ):
        return
    others = (
        User.objects.select_for_update()
        .filter(
            region_id=user.region_id, staff_role=StaffRole.ADMIN, is_active=True, organization__isnull=True
        )
        .exclude(pk=user.pk)
    )
    if not list(others.values_list("pk", flat=True)):
        raise FieldErrors(
            __all__=gettext(
                "%(user)s is the only active administrator of %(name)s and cannot be %(what)s; first give the region another administrator"
            )
            % {"user": user, "name": user.region.name, "what": what}
        )


@transaction.atomic
def create_staff_account(
    *, actor: Any, channel: str, username: str, full_name: str, region: Region | None, staff_role: str,
    password: str = "",
) -> tuple[User, str | None]:  # fmt: skip
    """An administrator creates a staff account of their region or below. Without a password one is
    generated and returned (to be shown once); either way the user sets their own at first sign-in."""
    username, full_name = username.strip(), full_name.strip()
    errors = FieldErrors()
    field = User._meta.get_field("username")
    if not username:
        errors.add("username", gettext("Enter the sign-in name"))
    else:
        try:
            field.run_validators(username)
        except ValidationError:
            errors.add(
                "username",
                gettext(
                    "A sign-in name may contain only letters, digits and @ . + - _, at most 150 characters"
                ),
            )
        if User.objects.filter(username__iexact=username).exists():
            errors.add(
                "username", gettext("The account “%(username)s” already exists") % {"username": username}
            )
    if not full_name:
        errors.add("full_name", gettext("Enter the name of the person using the account"))
    elif len(full_name) > FULL_NAME_MAX:
        errors.add(
            "full_name",
            gettext("The name may have at most %(full_name_max)s characters; it has %(count)s")
            % {"full_name_max": FULL_NAME_MAX, "count": len(full_name)},
        )
    _post_errors(actor, errors, region, staff_role)
    user = User(username=username, full_name=full_name, region=region, staff_role=staff_role,
                is_staff=staff_role == StaffRole.ADMIN, must_change_password=True)  # fmt: skip
    generated = None
    if password:
        _password_errors(errors, password, user)
    else:
        generated = password = generate_password()
    errors.raise_if_any()
    user.set_password(password)
    user.save()
    assert region is not None
    record_event(actor=actor, channel=channel, action="user.create", target=user,
                 summary=f"创建账号 {username}（{full_name}，{region.name}{ROLE_ZH[StaffRole(staff_role)]}）",
                 data={"region": region.code, "role": staff_role, "password": "generated" if generated else "chosen"})  # fmt: skip
    return user, generated


@transaction.atomic
def change_staff_post(
    *, actor: Any, channel: str, user: User, region: Region | None, staff_role: str
) -> User:
    """Move a staff account to another region within the administrator's, or give it another post."""
    user = User.objects.select_for_update(of=("self",)).select_related("region").get(pk=user.pk)
    _check_target(actor, user)
    if user.organization_id:
        raise FieldErrors(
            __all__=gettext(
                "An organization account has no role or region; it can only be disabled, enabled or have its password reset"
            )
        )
    if user.pk == actor.pk:
        raise FieldErrors(
            __all__=gettext("You cannot change your own role or region; ask a higher administrator")
        )
    errors = FieldErrors()
    _post_errors(actor, errors, region, staff_role)
    errors.raise_if_any()
    assert region is not None
    if region.pk == user.region_id and staff_role == user.staff_role:
        raise FieldErrors(__all__=gettext("Neither the role nor the region changed"))
    if staff_role != StaffRole.ADMIN or region.pk != user.region_id:
        _keep_one_admin(user, pgettext("account action", "moved off the administrator role"))
    before = {"region": user.region.code if user.region else None, "role": user.staff_role}
    summary = (f"调整账号 {user.username} 的岗位：{user.region.name if user.region else '—'}"
               f"{ROLE_ZH.get(StaffRole(user.staff_role), '')} → {region.name}{ROLE_ZH[StaffRole(staff_role)]}")  # fmt: skip
    user.region, user.staff_role = region, staff_role
    user.is_staff = staff_role == StaffRole.ADMIN
    user.save(update_fields=["region", "staff_role", "is_staff"])
    record_event(actor=actor, channel=channel, action="user.change_post", target=user, summary=summary,
                 data={"before": before, "after": {"region": region.code, "role": staff_role}})  # fmt: skip
    return user


@transaction.atomic
def set_account_active(*, actor: Any, channel: str, user: User, active: bool) -> User:
    """停用 / 启用 an account. A disabled account cannot sign in, and its open sessions end (the
    session's user is no longer loaded for an inactive account)."""
    user = (
        User.objects.select_for_update(of=("self",)).select_related("region", "organization").get(pk=user.pk)
    )
    _check_target(actor, user)
    if user.is_active == active:
        raise FieldErrors(
            __all__=gettext("The account %(username)s is already %(value)s")
            % {
                "username": user.username,
                "value": pgettext("account state", "enabled")
                if active
                else pgettext("account state", "disabled"),
            }
        )
    if not active:
        if user.pk == actor.pk:
            raise FieldErrors(__all__=gettext("You cannot disable your own account"))
        _keep_one_admin(user, pgettext("account action", "disabled"))
    user.is_active = active
    user.save(update_fields=["is_active"])
    record_event(actor=actor, channel=channel, action="user.enable" if active else "user.disable", target=user,
                 summary=f"{'启用' if active else '停用'}账号 {user.username}（{user}）")  # fmt: skip
    return user


@transaction.atomic
def reset_password(*, actor: Any, channel: str, user: User) -> str:
    """A new generated password (returned to be shown once); the user must set their own at the next
    sign-in, and their open sessions end (a new password invalidates them)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_target(actor, user)
    if user.pk == actor.pk:
        raise FieldErrors(__all__=gettext("Change your own password on the “Change password” page"))
    raw = generate_password()
    user.set_password(raw)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    record_event(actor=actor, channel=channel, action="user.reset_password", target=user,
                 summary=f"重置账号 {user.username}（{user}）的密码")  # fmt: skip
    return raw


@transaction.atomic
def change_own_password(*, user: User, channel: str, password: str) -> None:
    """The signed-in user sets their own password (validated by the caller's form); clears the
    must-change flag."""
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    record_event(actor=user, channel=channel, action="user.change_password", target=user,
                 summary=f"账号 {user.username} 修改了自己的密码")  # fmt: skip
