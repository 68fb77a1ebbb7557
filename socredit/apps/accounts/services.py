"""Writers for accounts: staff users and department tokens."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

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
        raise FieldErrors(staff_role=f"未知岗位“{staff_role}”")
    if User.objects.filter(username=username).exists():
        raise FieldErrors(username=f"账号“{username}”已存在")
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
        raise FieldErrors(username=f"账号“{username}”已存在")
    user = User(
        username=username, organization=organization, staff_role=StaffRole.VIEWER, full_name=full_name
    )
    user.set_password(password)
    user.save()
    record_event(actor=actor, channel=channel, action="user.create_organization_account", target=user,
                 summary=f"创建组织账号 {username}（{organization.name}）", data={"organization": organization.code})  # fmt: skip
    return user


@transaction.atomic
def issue_token(
    *, actor: Any, channel: str, department: Department, name: str, scopes: Iterable[str]
) -> tuple[ApiToken, str]:
    """Create a token for a department system; returns the token and the raw key (shown once)."""
    scopes = sorted(set(scopes))
    unknown = [s for s in scopes if s not in TokenScope.values]
    if unknown:
        raise FieldErrors(scopes=f"未知权限范围：{'、'.join(unknown)}")
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


@transaction.atomic
def revoke_token(*, actor: Any, channel: str, token: ApiToken) -> None:
    token.active = False
    token.save(update_fields=["active"])
    forget_token(token.key_hash)
    record_event(
        actor=actor, channel=channel, action="token.revoke", target=token, summary=f"停用接口令牌 {token}"
    )


@transaction.atomic
def unlock_sign_in(*, actor: Any, channel: str, user: User) -> int:
    """Lift a sign-in lockout (django-axes) of ``user``'s account at once: forget its failed
    attempts, from whatever address. Returns how many were forgotten (0: it was not locked)."""
    from axes.utils import reset

    count = reset(username=user.get_username())
    record_event(actor=actor, channel=channel, action="user.unlock", target=user,
                 summary=f"解除账号 {user.get_username()} 的登录锁定", data={"failed_attempts": count})  # fmt: skip
    return count
