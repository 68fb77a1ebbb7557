"""The data-quality checks on the crafted world: each count by hand, each row linked, scoping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from socredit.apps.records.models import CreditRecord
from socredit.apps.registry.models import Organization
from socredit.apps.statistics import quality
from socredit.apps.statistics.access import access_statistics_scope
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def test_organizations_without_a_legal_representative(world, personas):
    user = personas["staff_jinshui"]
    factories.role(world["a1"], factories.person("王芳"))
    scope = access_statistics_scope(user)
    # a1 has one now; a2 and c1 have none; a3 is deregistered (not counted)
    assert set(quality.without_legal_rep(user, scope)) == {world["a2"], world["c1"]}
    street = access_statistics_scope(user, "410105001")
    assert list(quality.without_legal_rep(user, street)) == []


def test_organizations_with_missing_fields(world, personas):
    user = personas["staff_jinshui"]
    Organization.objects.filter(pk__in=[world["a1"].pk, world["a2"].pk, world["c1"].pk]).update(
        address="金水路1号", business_scope="养老服务", contact_person="李四", contact_phone="13800000000"
    )
    Organization.objects.filter(pk=world["c1"].pk).update(contact_phone="")
    scope = access_statistics_scope(user)
    rows = list(quality.with_missing_fields(user, scope))
    assert rows == [Organization.objects.get(pk=world["c1"].pk)]
    assert quality.missing_labels(rows[0]) == ["联系人或联系电话"]


def test_records_entered_late(world, personas, today_is):
    user = personas["staff_jinshui"]
    scope = access_statistics_scope(user)
    record = CreditRecord.objects.get(organization=world["a2"])
    # formed 2024-05-10, entered (created) on 2026-04-10: far beyond 5 working days
    CreditRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.make_aware(dt.datetime(2026, 4, 10, 9))
    )
    late, cut = quality.late_records(user, scope)
    assert [r.record.pk for r in late] == [record.pk] and not cut
    assert late[0].lateness.late_by > 400
    # entered two working days after it was formed: in time
    CreditRecord.objects.filter(pk=record.pk).update(occurred_on=dt.date(2026, 4, 8), decided_on=None)
    assert quality.late_records(user, scope)[0] == []
    assert (
        quality.late_records(personas["staff_xinzheng"], access_statistics_scope(personas["staff_xinzheng"]))[
            0
        ]
        == []
    )


def test_departments_that_stopped_sending(world, personas):
    user = personas["staff_jinshui"]
    scope = access_statistics_scope(user)
    assert quality.silent_departments(user, scope) == []  # its one record was entered just now
    CreditRecord.objects.update(created_at=timezone.now() - dt.timedelta(days=120))
    silent = quality.silent_departments(user, scope)
    assert [(d.name, d.records) for d in silent] == [("郑州市民政局", 1)]


def test_the_pages_link_to_the_rows(world, personas, login):
    client = login(personas["staff_jinshui"])
    overview = client.get("/statistics/quality/")
    assert overview.status_code == 200
    html = overview.content.decode()
    assert "/statistics/quality/no_legal_rep/" in html
    rows = client.get("/statistics/quality/no_legal_rep/")
    assert rows.status_code == 200
    assert f"/organizations/{world['a2'].code}/" in rows.content.decode()
    assert client.get("/statistics/quality/nothing/").status_code == 404
    assert client.get("/statistics/quality/no_legal_rep/", {"region": "410184"}).status_code == 404
