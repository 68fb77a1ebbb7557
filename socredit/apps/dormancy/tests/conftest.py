"""Helpers for the dormancy tests: organizations in 金水区 registered long ago, reports and records."""

from __future__ import annotations

import datetime as dt

import pytest

from socredit.apps.annualreports.models import AnnualReport
from socredit.common.access import SystemPrincipal
from socredit.testing import factories

ACTOR = SystemPrincipal("test")
AS_OF = dt.date(2026, 7, 1)
"""After the associations' deadline for 2025 (2026-05-31, a Sunday: 2026-06-01): the window is 2025 and 2024."""


def report(org, year, submitted_on):
    return AnnualReport.objects.create(organization=org, year=year, submitted_on=submitted_on, state="submitted",
                                       content={"charity_organization": "no"})  # fmt: skip


@pytest.fixture
def org_factory(personas, civil_affairs):
    def make(name, **extra):
        return factories.organization("410105", name=name, **extra)

    return make


@pytest.fixture
def dormant_org(org_factory, today_is):
    today_is(AS_OF)
    return org_factory("金水区沉睡协会", address="金水路1号")
