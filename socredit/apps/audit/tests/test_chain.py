"""The audit trail is hash-chained: tampering with a row is detected."""

import pytest
from django.db import transaction

from socredit.apps.audit.models import AuditEvent
from socredit.apps.audit.services import record_event, verify_chain

pytestmark = pytest.mark.django_db


def test_chain_detects_an_edited_row():
    with transaction.atomic():
        for i in range(3):
            record_event(actor=None, channel="system", action="test.event", target_type="t", target_id=str(i),
                         summary=f"事件{i}", data={"n": i})  # fmt: skip
    assert verify_chain() is None
    middle = AuditEvent.objects.order_by("id")[1]
    AuditEvent.objects.filter(pk=middle.pk).update(summary="篡改")
    assert verify_chain() == middle.pk


def test_unknown_channel_is_refused():
    with transaction.atomic(), pytest.raises(ValueError, match="channel"):
        record_event(actor=None, channel="email", action="x", target_type="t")
