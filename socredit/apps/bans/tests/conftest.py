"""Helpers for the bans tests: dates, a staff actor and a ban recorded through the service."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from socredit.apps.bans import services
from socredit.common.clock import today
from socredit.testing import factories


def ago(days: int) -> dt.date:
    return today() - dt.timedelta(days=days)


def ahead(days: int) -> dt.date:
    return today() + dt.timedelta(days=days)


@pytest.fixture
def actor(personas):
    return personas["staff_jinshui"]


@pytest.fixture
def banned(personas):
    return factories.person("王禁")


def ban_data(person: Any, **extra: Any) -> dict[str, Any]:
    """A decision of 金水区民政局 barring ``person`` (another decision: ground, basis and scope in words)."""
    return {
        "name": person.name, "id_number": person.id_number, "ground": "other", "kind": "post_restriction",
        "ground_text": "对协会违法行为负有直接责任", "legal_basis": "《社会团体登记管理条例》第三十条",
        "scope": "不得担任社会团体负责人", "authority": "郑州市金水区民政局",
        "document_number": "金民禁〔2026〕1号", "decided_on": ago(30), "start_on": ago(30), "until": ahead(300),
        **extra,
    }  # fmt: skip


def record(actor: Any, person: Any, **extra: Any):
    return services.record_ban(actor=actor, channel="form", data=ban_data(person, **extra))[0]
