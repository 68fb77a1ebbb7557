"""A ban put in force is announced as the change event ``ban.created`` (docs/subscriptions.md), with
the ID number masked; a ban naming no organization has no subject and writes none."""

from __future__ import annotations

import pytest

from socredit.apps.bans.tests.conftest import record
from socredit.apps.records.models import ChangeEvent
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def test_a_recorded_ban_with_its_organization_is_announced(actor, banned):
    org = factories.organization("410105", name="金水区禁入测试协会")
    ban = record(actor, banned, organization=org.code)
    [event] = ChangeEvent.objects.filter(kind="ban.created")
    assert event.organization == org and event.payload["ban"] == ban.pk
    assert event.payload["person"] == banned.name and event.payload["id_number"] != banned.id_number
    assert event.payload["decision"] == "金民禁〔2026〕1号"


def test_a_ban_without_an_organization_writes_no_event(actor, banned):
    record(actor, banned)
    assert not ChangeEvent.objects.filter(kind="ban.created").exists()
