"""The audit trail is hash-chained over exactly what each row stores: altered rows, missing rows, forks
and a rewrite of the whole table after an anchor are each detected and located."""

import json

import pytest
from django.db import transaction
from django.utils import translation

from socredit.apps.audit import chain
from socredit.apps.audit.models import AuditEvent
from socredit.apps.audit.services import anchor_head, check_chain, record_event, record_events, verify_chain

pytestmark = pytest.mark.django_db


def _events(n, **extra):
    with transaction.atomic():
        for i in range(n):
            record_event(actor=None, channel="system", action="test.event", target_type="t", target_id=str(i),
                         summary=f"事件{i}", data={"n": i}, **extra)  # fmt: skip
    return list(AuditEvent.objects.order_by("id"))


def _english(problem):
    with translation.override("en"):
        return chain.describe(problem)


def _kinds(report):
    return [(p.kind, p.event_id) for p in report.problems]


def _rehash(ev, prev):
    """What a forger with write access to the table does: recompute the row's links."""
    fields = {name: getattr(ev, name) for name in chain.HASHED_FIELDS}
    fields["prev_hash"] = prev
    AuditEvent.objects.filter(pk=ev.pk).update(prev_hash=prev, hash=chain.digest(fields))
    return chain.digest(fields)


def test_an_intact_chain_reports_its_length_and_head():
    events = _events(3)
    report = check_chain()
    assert report.ok and report.count == 3 and report.problems == []
    assert (report.head_id, report.head_hash) == (events[-1].id, events[-1].hash)
    assert events[0].prev_hash == chain.GENESIS and events[1].prev_hash == events[0].hash


def test_chain_detects_an_edited_row():
    middle = _events(3)[1]
    AuditEvent.objects.filter(pk=middle.pk).update(summary="篡改")
    assert verify_chain() == middle.pk
    assert _kinds(check_chain()) == [(chain.ALTERED, middle.pk)]


@pytest.mark.parametrize("field, value", [("at", "2020-01-01T00:00:00Z"), ("actor_id", None),
                                          ("data", {"n": 99}), ("target_id", "x"), ("action", "other")])  # fmt: skip
def test_every_hashed_field_is_covered(field, value, personas):
    with transaction.atomic():
        ev = record_event(
            actor=personas["city_admin"], channel="form", action="a", target_type="t", target_id="1"
        )
    if field == "actor_id":  # the account of an event is part of it, too
        assert ev.actor_id is not None
    AuditEvent.objects.filter(pk=ev.pk).update(**{field: value})
    assert _kinds(check_chain()) == [(chain.ALTERED, ev.pk)]


def test_a_long_summary_is_stored_cut_and_still_verifies():
    reason = "撤销理由" * 500  # 2,000 characters, as a revocation reason may be
    with transaction.atomic():
        ev = record_event(actor=None, channel="form", action="record.revoke", target_type="t", summary=reason,
                          target_id="9" * 80, data={"reason": reason})  # fmt: skip
        record_events(
            actor=None, channel="import", events=[{"action": "bulk", "target_type": "t", "summary": reason}]
        )
    ev.refresh_from_db()
    assert ev.summary == reason[:500] and len(ev.target_id) == 64 and ev.data["reason"] == reason
    assert check_chain().ok and check_chain().count == 2


def test_data_is_hashed_as_read_back():
    data = {
        "金额": 1.5,
        "whole": 2.0,
        "big": 1e20,
        "nested": {"b": [1, "二", None, True], "a": -0.25},
        "when": object,
    }
    with transaction.atomic():
        record_event(actor=None, channel="system", action="a", target_type="t", data=data)
    assert check_chain().ok


def test_a_deleted_row_is_located_at_the_event_after_it():
    events = _events(4)
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    assert _kinds(check_chain()) == [(chain.MISSING, events[2].pk)]


def test_deleted_first_rows_are_detected():
    events = _events(3)
    AuditEvent.objects.filter(pk=events[0].pk).delete()
    assert _kinds(check_chain()) == [(chain.MISSING, events[1].pk)]


def test_an_altered_row_with_a_recomputed_hash_unlinks_the_next():
    events = _events(3)
    AuditEvent.objects.filter(pk=events[1].pk).update(summary="篡改")
    events[1].summary = "篡改"
    _rehash(events[1], events[0].hash)
    assert _kinds(check_chain()) == [(chain.MISSING, events[2].pk)]


def test_a_fork_names_both_events():
    events = _events(3)
    # two events that both follow event 0: what unserialized writers produced
    _rehash(events[2], events[0].hash)
    report = check_chain()
    assert _kinds(report) == [(chain.FORK, events[2].pk)]
    assert report.problems[0].other_id == events[0].pk
    assert f"event {events[0].pk}" in _english(report.problems[0])


def test_a_rewrite_of_the_whole_table_after_an_anchor_is_detected():
    events = _events(3)
    line = anchor_head()
    assert line["id"] == events[-1].pk and line["hash"] == events[-1].hash
    assert check_chain().ok and check_chain().anchors == 1
    AuditEvent.objects.filter(pk=events[1].pk).update(summary="篡改")
    events[1].summary = "篡改"
    prev = events[0].hash
    for ev in events[1:]:
        prev = _rehash(ev, prev)
    assert verify_chain() is None  # the links alone hold: only the anchor tells
    report = check_chain()
    assert _kinds(report) == [(chain.ANCHOR, events[-1].pk)]
    assert report.problems[0].anchored_hash == events[-1].hash
    assert "rewritten" in _english(report.problems[0])


def test_an_anchored_event_that_was_removed_is_detected():
    events = _events(3)
    anchor_head()
    _events(1)
    AuditEvent.objects.filter(pk__in=[events[2].pk]).delete()
    report = check_chain()
    assert (chain.ANCHOR, events[2].pk) in _kinds(report)
    assert "no longer stored" in _english([p for p in report.problems if p.kind == chain.ANCHOR][0])


def test_anchors_append_one_line_each(tmp_path):
    _events(2)
    path = tmp_path / "sub" / "anchors.jsonl"
    anchor_head(path)
    _events(1)
    anchor_head(path)
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    assert [a["id"] for a in lines] == ids[1:]
    assert set(lines[0]) == {"id", "hash", "at", "anchored_at"}


def test_a_damaged_anchor_file_is_named(tmp_path):
    path = tmp_path / "anchors.jsonl"
    path.write_text('{"id": 1, "hash": "ab"}\nnot json\n')
    with pytest.raises(ValueError, match="anchors.jsonl:2"):
        check_chain(path)


def test_an_empty_trail_is_intact_and_has_nothing_to_anchor():
    assert check_chain().ok and check_chain().count == 0 and anchor_head() is None


def test_unknown_channel_is_refused():
    with transaction.atomic(), pytest.raises(ValueError, match="channel"):
        record_event(actor=None, channel="email", action="x", target_type="t")
