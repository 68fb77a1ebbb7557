"""pytest fixtures shared by the app and system tiers (registered in the root conftest.py)."""

from __future__ import annotations

import pytest

from socredit.testing import factories


@pytest.fixture
def personas(db):
    """Named staff accounts: city_admin, staff_jinshui, staff_xinzheng, viewer_jinshui, superuser."""
    return factories.personas()


@pytest.fixture
def login(client):
    """login(user) → a Django test client signed in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def civil_affairs(db):
    return factories.department()


@pytest.fixture
def today_is():
    """today_is(day): every module's "today" (``socredit.common.clock``) is ``day`` until the test ends."""
    from socredit.common import clock

    stack = []

    def _set(day):
        cm = clock.fixed(day)
        cm.__enter__()
        stack.append(cm)
        return day

    yield _set
    while stack:
        stack.pop().__exit__(None, None, None)


@pytest.fixture
def in_test_transaction():
    """For a test that calls a WSGI handler itself (not through Django's test client): as the test
    client does, neither the start nor the end of a request may close the test's database connection
    (inside the test's transaction Django takes it for obsolete; SQLite's in-memory test database
    ignores the close, PostgreSQL's does not)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
