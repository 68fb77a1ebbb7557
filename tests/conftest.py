"""Fixtures for this tier: the shared personas and helpers from socredit.testing.fixtures."""

from socredit.testing.fixtures import civil_affairs, login, personas, today_is  # noqa: F401 — re-exported fixtures
