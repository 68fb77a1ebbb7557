"""Fixtures of the subscriptions tests: a department of 郑州市 (410100) with a token, organizations
of 金水区 (410105, inside it) and 新郑市 (410184, inside it too), quick retries, loopback allowed."""

from __future__ import annotations

import pytest
from django.db import transaction

from socredit.apps.records import outbox
from socredit.testing import factories


@pytest.fixture
def dept(civil_affairs):
    return civil_affairs


@pytest.fixture
def token(dept):
    return factories.token(["changes:read", "credit:read"], dept)


@pytest.fixture
def jinshui(personas, dept):
    return factories.organization("410105", name="金水区养老服务协会")


@pytest.fixture
def jinshui2(personas, dept):
    return factories.organization("410105", name="金水区书法家协会")


@pytest.fixture
def xinzheng(personas, dept):
    return factories.organization("410184", name="新郑市红枣产业协会")


@pytest.fixture
def webhook_settings(settings):
    settings.SOCREDIT_WEBHOOK_ALLOW_LOOPBACK = True
    settings.SOCREDIT_WEBHOOK_BACKOFF_SECONDS = 0.0
    settings.SOCREDIT_WEBHOOK_BACKOFF_MAX_SECONDS = 0.0
    settings.SOCREDIT_WEBHOOK_MAX_ATTEMPTS = 4
    settings.SOCREDIT_WEBHOOK_TIMEOUT_SECONDS = 5
    return settings


@pytest.fixture
def emit():
    """emit(kind, org, **payload): a change event as the services write it (records.outbox), in a
    transaction of its own."""

    def _emit(kind, org, **payload):
        with transaction.atomic():
            return outbox.emit(kind, org, None, payload)

    return _emit
