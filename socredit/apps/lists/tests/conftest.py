"""Helpers for the list tests: an organization with a legal representative, a staff actor, dates."""

from __future__ import annotations

import datetime as dt

import pytest

from socredit.apps.lists import services
from socredit.testing import factories


def ago(days: int) -> dt.date:
    return services.today() - dt.timedelta(days=days)


@pytest.fixture
def actor(personas):
    return personas["staff_jinshui"]


@pytest.fixture
def org(personas, civil_affairs):
    o = factories.organization("410105")
    factories.role(o, factories.person("李法人"), "legal_rep", dt.date(2016, 1, 1))
    return o


def confirm(actor, proposal, day, number="郑民名〔2026〕1号"):
    return services.confirm_proposal(actor, proposal, document_number=number, decided_on=day)
