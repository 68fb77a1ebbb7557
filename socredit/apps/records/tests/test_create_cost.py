"""``create_record`` costs the same whatever the size of the country: its queries read and write the
organization concerned (by key), never count or scan what grows with the number of organizations
(the daily run's list ``ListRunDue``, the records, the proposals, the scores)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from socredit.apps.lists.models import ListRunDue
from socredit.apps.records import services
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def _one_record(actor, org, number: str) -> list[str]:
    data = {"organization": org.code, "kind": "penalty_warning", "occurred_on": "2024-05-10",
            "department": "郑州市民政局", "document_number": number, "summary": "摘要"}  # fmt: skip
    with CaptureQueriesContext(connection) as ctx:
        services.create_record(actor=actor, channel="form", data=data)
    return [q["sql"] for q in ctx.captured_queries]


def _shape(sql: str) -> str:
    """A statement without its values (ids, savepoint names, times)."""
    return re.sub(r"'[^']*'|\b\d+\b|\"s\d+_x\d+\"|_django_curs_\w+", "?", sql)


def test_create_record_does_not_grow_with_the_country(personas, civil_affairs):
    actor = personas["staff_jinshui"]
    first = factories.organization("410105", registered_on=dt.date(2015, 3, 1))
    factories.record(first, document_number="C-0", occurred_on=dt.date(2024, 1, 5))
    small = _one_record(actor, first, "C-1")

    # a bigger country: many organizations with records, due dates and open proposals of their own
    for i in range(40):
        other = factories.organization("410105", registered_on=dt.date(2015, 3, 1))
        factories.record(other, document_number=f"O-{i}-a", occurred_on=dt.date(2024, 1, 5))
        services.create_record(actor=actor, channel="form", data={
            "organization": other.code, "kind": "penalty_warning", "occurred_on": "2024-02-10",
            "department": "郑州市民政局", "document_number": f"O-{i}-b", "summary": "摘要"})  # fmt: skip
    assert ListRunDue.objects.count() > 40
    second = factories.organization("410105", registered_on=dt.date(2015, 3, 1))
    factories.record(second, document_number="C-2", occurred_on=dt.date(2024, 1, 5))
    big = _one_record(actor, second, "C-3")

    assert [_shape(q) for q in big] == [_shape(q) for q in small]  # the same statements, not more
    for sql in big:
        assert "COUNT(" not in sql.upper(), sql
        if "lists_listrundue" in sql and sql.lstrip().upper().startswith("SELECT"):
            assert "WHERE" in sql.upper(), sql  # never the whole list
