"""Fixtures of the commitment tests: an organization of 金水区, the shipped templates, and an
organization's own account (组织账号)."""

from __future__ import annotations

import datetime as dt

import pytest

from socredit.apps.accounts.models import User
from socredit.apps.commitments.models import CommitmentTemplate
from socredit.apps.commitments.services import today
from socredit.testing import factories


def ago(days: int) -> dt.date:
    return today() - dt.timedelta(days=days)


@pytest.fixture
def org(personas, civil_affairs):
    return factories.organization("410105", name="郑州市金水区承诺测试协会")


@pytest.fixture
def templates(db):
    """The shipped templates (data migration 0002), by code."""
    return {t.code: t for t in CommitmentTemplate.objects.all()}


def organization_account(org, username: str = "org_self") -> User:
    """An organization's own account. Created directly: accounts.services makes staff accounts only."""
    user = User(username=username, organization=org)
    user.set_password(factories.PASSWORD)
    user.save()
    return user


@pytest.fixture
def org_self(org):
    return organization_account(org)
