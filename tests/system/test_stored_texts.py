"""What the lists store for a reader reads as words: after the demo city is loaded and the daily list
run has run (today, and again three years on, when transfers and automatic removals fall due), no
stored reason, note, legal basis or audit summary of the lists carries a rules.md item code, a
verification tag or a record id (``core.citations.internal_codes_in``); the item stays in the
``ground``/``exit_ground`` fields."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from socredit.apps.audit.models import AuditEvent
from socredit.apps.lists.models import ListDecision, ListProposal, RemovalApplication
from socredit.common import clock
from socredit.core.citations import internal_codes_in

pytestmark = pytest.mark.django_db

TEXTS = {
    ListDecision: ("reason", "legal_basis", "ground_title"),
    ListProposal: ("reason", "note", "withdrawal_reason", "dismiss_reason"),
    RemovalApplication: ("reason",),
}


def _codes_in_stored_texts() -> list[tuple[str, int, str, list[str]]]:
    found = []
    for model, fields in TEXTS.items():
        for field in fields:
            for pk, text in model.objects.values_list("pk", field).iterator():
                if codes := internal_codes_in(text or ""):
                    found.append((f"{model.__name__}.{field}", pk, text, codes))
    events = AuditEvent.objects.filter(action__startswith="lists.").values_list("pk", "summary")
    found += [("AuditEvent.summary", pk, s, c) for pk, s in events.iterator() if (c := internal_codes_in(s))]
    return found


def test_no_stored_list_text_names_an_item_code(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("demo_data", orgs=200, seed=11, stdout=StringIO())
    call_command("lists", "run", stdout=StringIO())
    assert _codes_in_stored_texts() == []
    later = clock.today() + dt.timedelta(days=3 * 365)
    before = set(ListProposal.objects.values_list("pk", flat=True))
    with clock.fixed(later):
        call_command("lists", "run", stdout=StringIO())
    # the engine proposed on its own (the transfers fallen due) and wrote its reasons
    new = ListProposal.objects.exclude(pk__in=before)
    assert new.exists() and not new.filter(reason="").exists()
    assert _codes_in_stored_texts() == []
    # the item stays where code needs it
    assert "R1.12(1)" in set(new.values_list("ground", flat=True))
