"""Helpers for the list tests: an organization with a legal representative, a staff actor, dates."""

from __future__ import annotations

import datetime as dt

import pytest

from socredit.apps.lists import services
from socredit.common import policy
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


def notify(actor, proposal, day, number="郑民告〔2026〕1号", method="written", mailings=None):
    """R1.5: serve the prior notice of a proposal on ``day``."""
    return services.serve_notice(actor, proposal, method, day, number, mailings)


def waive(actor, notice, day):
    """The organization waives its 陈述申辩 on ``day`` (recorded on paper by staff)."""
    return services.file_statement(actor, notice, text="", received_on=day, channel="paper", waive=True)


def confirm(actor, proposal, day, number="郑民名〔2026〕1号"):
    """Serve the prior notice (when required and not yet served) on ``day`` and record the organization's
    waiver of its 陈述申辩 the same day (so the period need not run), then decide."""
    if proposal.notice_required and not proposal.notices.exists():
        waive(actor, notify(actor, proposal, day), day)
    return services.confirm_proposal(actor, proposal, document_number=number, decided_on=day)


def without_notice(monkeypatch):
    """A local profile that drops the prior-notice step (``lists.notice.required`` = false)."""
    national = policy.policy_profile(services.today())
    local = national.with_overrides({"lists.notice.required": False}, authority="测试")
    monkeypatch.setattr(policy, "policy_profile", lambda day, region=None: local)
    return local
