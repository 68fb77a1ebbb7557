"""Helpers for the spot-check tests: a county with organizations, inspectors and a plan."""

from __future__ import annotations

from typing import Any

import pytest

from socredit.apps.spotchecks import services
from socredit.apps.spotchecks.models import Inspector
from socredit.testing import factories


@pytest.fixture
def actor(personas):
    return personas["staff_jinshui"]


@pytest.fixture
def orgs(db, civil_affairs):
    """Forty organizations in 金水区 (410105), ten of them in education."""
    return [
        factories.organization("410105", name=f"金水测试协会{i}号", field="education" if i < 10 else "other")
        for i in range(40)
    ]


def plan_data(**extra: Any) -> dict[str, Any]:
    return {
        "title": "2026年度定期抽查", "year": 2026, "kind": "regular", "authority": "410105",
        "base_rate": 0.2, "onsite_ratio": 0.05, "inspectors_onsite": 2, "inspectors_written": 1,
        "level_factors": {"A": 0.5, "D": 3}, "field_factors": {"education": 2},
        "content": ["annual_report", "finance"],
        **extra,
    }  # fmt: skip


def make_plan(actor: Any, **extra: Any):
    return services.create_plan(actor=actor, channel="form", data=plan_data(**extra))


def inspectors(n: int, region_code: str = "410105") -> list[Inspector]:
    return [
        Inspector.objects.create(
            name=f"检查员{i}", badge_number=f"豫金执{i:04d}", region=factories.region(region_code)
        )
        for i in range(n)
    ]


def drawn(actor: Any, seed: str = "20260301", **extra: Any):
    plan = make_plan(actor, **extra)
    services.announce_plan(actor=actor, channel="form", plan=plan, seed=seed)
    return services.draw_plan(actor=actor, channel="form", plan=plan)
