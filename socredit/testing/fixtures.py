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
