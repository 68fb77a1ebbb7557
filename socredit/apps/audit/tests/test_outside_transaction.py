"""record_event refuses to run outside a transaction (it is only ever part of a service's write).

No database marker here: the check happens before any query, so no table is touched or flushed.
"""

import pytest

from socredit.apps.audit.services import record_event


def test_events_must_be_written_inside_a_transaction():
    with pytest.raises(RuntimeError, match="inside a service transaction"):
        record_event(actor=None, channel="system", action="x", target_type="t")
