"""Fixtures for this tier: the shared personas and helpers from socredit.testing.fixtures."""

import time

import pytest

from socredit.testing.fixtures import (  # noqa: F401 — re-exported fixtures
    civil_affairs,
    dead_worker,
    login,
    personas,
    run_worker,
    today_is,
)


@pytest.fixture(autouse=True)
def _one_rate_limit_window(monkeypatch):
    """Every request of a test counts in one rate-limit window. django-ratelimit's windows are fixed
    slices of the clock: a test making three downloads of a PDF (seconds each) against "2/m" could
    straddle a window's end, start counting again and see no 429."""
    end = int(time.time()) + 3600
    monkeypatch.setattr("django_ratelimit.core._get_window", lambda value, period: end)
