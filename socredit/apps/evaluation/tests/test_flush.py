"""Emptying the database (the flush that ends every transactional test) never fails on the
maintained counts, whatever order the tables are emptied in."""

import pytest
from django.core.management import call_command
from django.core.management.commands import flush as django_flush
from django.db import connection

from socredit.apps.evaluation.counts import COUNTS, SCORES
from socredit.apps.evaluation.models import CreditScore
from socredit.apps.evaluation.services import run_evaluation
from socredit.apps.registry.models import Organization, Region
from socredit.common.access import SystemPrincipal
from socredit.testing import factories


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL empties with TRUNCATE: no row triggers")
def test_flush_empties_every_table_when_counts_go_first_and_regions_last(monkeypatch):
    factories.reference_data()  # an earlier transactional test's flush may have taken it
    factories.organization(region_code="410105", name="金水区养老服务协会")
    run_evaluation(actor=SystemPrincipal("测试"), channel="cli")
    assert CreditScore.objects.exists()
    real = django_flush.sql_flush

    def worst_order(*args, **kwargs):
        # the counts emptied first, then the scores (whose triggers count again), the regions last
        statements = real(*args, **kwargs)
        rank = {COUNTS: 0, SCORES: 1, Region._meta.db_table: 3}
        return sorted(statements, key=lambda s: next((r for t, r in rank.items() if f'"{t}"' in s), 2))

    monkeypatch.setattr(django_flush, "sql_flush", worst_order)
    call_command("flush", interactive=False, verbosity=0)
    assert not Organization.objects.exists() and not Region.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {COUNTS}")  # noqa: S608 — a fixed table name
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [SCORES]
        )
        assert cursor.fetchone()[0] > 0  # the triggers are back


@pytest.mark.django_db(transaction=True)
def test_flush_leaves_no_organization_in_the_search_index():
    """The index's tables are no model's: after a flush no search offers a deleted organization, and
    one created afterwards (on SQLite with the freed id) is found by its own name only."""
    from socredit.apps.registry import search as registry_search

    factories.reference_data()
    factories.organization(region_code="410105", name="金水区冲洗之前协会")
    assert registry_search.candidates("冲洗之前") and registry_search.candidates("冲洗")
    call_command("flush", interactive=False, verbosity=0)
    tables = ["registry_org_gram", "registry_code_tail"]
    if connection.vendor == "sqlite":
        tables.append("registry_org_search_docsize")
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 — fixed table names
            assert cursor.fetchone()[0] == 0, table
    factories.reference_data()
    later = factories.organization(region_code="410105", name="金水区冲洗之后协会")
    assert registry_search.candidates("冲洗之前") == [] and registry_search.candidates("冲洗") == [later.pk]
    if connection.vendor == "sqlite":  # the portal's page takes the candidates' number as its total
        assert registry_search.candidates_json("冲洗", {}) == (1, f"[{later.pk}]")
