"""demo-data / demo-logins on a database without the demo city: refusals, the hint before any load,
and a load reproduced row for row (test_loader.py has the tests on the loaded city)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from socredit.apps.demo.generator import generate
from socredit.apps.demo.loader import load_demo
from socredit.apps.records.models import CreditRecord


def test_demo_logins_before_any_load(db):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "demo-data" in out.getvalue()


def test_bad_arguments_are_refused(db):
    with pytest.raises(CommandError, match="地级"):
        call_command("demo_data", orgs=5, city="410105", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("demo_data", orgs=0, stdout=StringIO())


def test_load_is_reproducible(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    today = dt.date(2026, 11, 23)
    load_demo(orgs=30, seed=5, today=today)
    first = list(CreditRecord.objects.order_by("pk").values_list("organization__code", "kind__code", "occurred_on",
                                                                  "document_number", "amount"))  # fmt: skip
    assert first
    expected = [(None, r.kind, r.occurred_on, r.document_number, r.amount)
                for b in generate(30, 5, today=today) for r in b.records]  # fmt: skip
    assert [(None, *row[1:]) for row in first] == expected
