"""Fixtures of the registration tests (pages and API)."""

from __future__ import annotations

import datetime as dt

import pytest

from socredit.apps.lists.models import ListProposal
from socredit.apps.lists.tests.conftest import ago, confirm
from socredit.testing import factories


@pytest.fixture
def officer(personas, civil_affairs):
    return personas["staff_jinshui"]


@pytest.fixture
def listed_person(officer):
    """The legal representative of a 金水区 organization put on the serious list (a fine of 60,000)."""
    org = factories.organization("410105", name="郑州市金水区失信协会")
    person = factories.person("赵失信")
    factories.role(org, person, "legal_rep", dt.date(2016, 1, 1))
    factories.record(org, "penalty_fine", amount="60000", occurred_on=ago(10))
    confirm(officer, ListProposal.objects.get(organization=org, status="proposed"), ago(5))
    return person
