"""The red list (candidates, confirmation, automatic removal) and the `socredit lists` command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from socredit.apps.lists import services
from socredit.apps.lists.models import ListEntry, ListProposal, ListRun
from socredit.apps.lists.tests.conftest import ago
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def test_red_list_candidates_confirmation_and_automatic_removal(org, actor):
    factories.record(org, "grade_5a", occurred_on=ago(400))
    factories.record(org, "commitment_signed", occurred_on=ago(300))
    plain = factories.organization("410105")
    factories.record(plain, "grade_5a", occurred_on=ago(400))  # A, but no commitment
    made = services.red_list_publication(actor, ago(0).year)
    assert [p.organization_id for p in made] == [org.pk]
    assert services.red_list_publication(actor, ago(0).year) == []  # idempotent
    decision = services.confirm_red(actor, made[0], document_number="红〔2026〕1号", decided_on=ago(0))
    entry = ListEntry.objects.get(organization=org, list="red")
    assert entry.entry_decision == decision and entry.left_on is None
    factories.record(org, "penalty_warning", occurred_on=ago(0))  # a negative record: criterion fails
    run = services.daily_run(actor, ago(0))
    assert run.counts["red_removals"] == 1
    entry.refresh_from_db()
    assert entry.left_on == ago(0) and entry.exit_ground == "RED"


def test_command_run_is_idempotent_and_prints_counts(org, actor):
    factories.record(org, "penalty_warning", occurred_on=ago(3))
    ListProposal.objects.all().delete()  # as if the live trigger had missed it
    out = StringIO()
    call_command("lists", "run", "--as-of", ago(0).isoformat(), stdout=out)
    assert "新建议 1" in out.getvalue()
    out = StringIO()
    call_command("lists", "run", "--as-of", ago(0).isoformat(), stdout=out)
    assert "新建议 0" in out.getvalue() and "自动移出 0" in out.getvalue()
    assert ListRun.objects.count() == 2 and ListProposal.objects.count() == 1
    out = StringIO()
    call_command("lists", "retention", stdout=out)
    assert "0 条" in out.getvalue()
    out = StringIO()
    call_command("lists", "red", "--year", str(ago(0).year), stdout=out)
    assert "候选：0" in out.getvalue()
