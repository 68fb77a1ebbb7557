"""Subjects for the check tests: a clean organization, one on the serious list with its legal
representative recorded, a 新郑 organization with the green channel, and department tokens."""

from __future__ import annotations

import datetime as dt

import pytest

from socredit.apps.lists.models import ListProposal
from socredit.apps.lists.tests.conftest import ago, confirm
from socredit.apps.registry.models import Role
from socredit.core.types import DepartmentKind
from socredit.testing import factories


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def actor(personas):
    return personas["staff_jinshui"]


@pytest.fixture
def clean_org(personas, civil_affairs):
    return factories.organization("410105", name="郑州市金水区清白协会", registered_on=dt.date(2024, 3, 1))


@pytest.fixture
def serious_org(personas, civil_affairs, actor):
    org = factories.organization("410105", name="郑州市金水区失信协会", registered_on=dt.date(2015, 3, 1))
    factories.role(org, factories.person("李法人"), "legal_rep", dt.date(2016, 1, 1))
    factories.record(org, "penalty_fine", amount="60000", occurred_on=ago(10))
    confirm(actor, ListProposal.objects.get(organization=org, status="proposed"), ago(5))
    return org


@pytest.fixture
def serious_rep(serious_org):
    return Role.objects.get(organization=serious_org, kind="legal_rep").person


@pytest.fixture
def xinzheng_org(personas, civil_affairs):
    # registered by 新郑市民政局, whose profile (seed 004) has the green channel after 3 clean years
    factories.department("xz-mzj", "新郑市民政局", "410184")
    return factories.organization("410184", name="新郑市守信协会", registered_on=dt.date(2015, 3, 1))


@pytest.fixture
def finance_token(civil_affairs):
    dept = factories.department("zz-czj", "郑州市财政局", "410100", DepartmentKind.FINANCE)
    return factories.token(["checks:write"], dept, name="finance")


@pytest.fixture
def court_token(civil_affairs):
    dept = factories.department("zz-zy", "郑州市中级人民法院", "410100", DepartmentKind.COURT)
    return factories.token(["blacklists:write"], dept, name="court")


@pytest.fixture
def tax_token(civil_affairs):
    dept = factories.department("zz-sw", "郑州市税务局", "410100", DepartmentKind.TAX)
    return factories.token(["blacklists:write", "checks:write"], dept, name="tax")
