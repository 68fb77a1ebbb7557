"""Fixtures for this tier: the shared personas and helpers from socredit.testing.fixtures."""

from socredit.testing.fixtures import (  # noqa: F401 — re-exported fixtures
    civil_affairs,
    dead_worker,
    login,
    personas,
    run_worker,
    today_is,
)
