"""The one bulk writer of records (``records.bulk``): the API batch and the import write the same rows
for the same input, and the batch reports per item exactly what one ``create_record`` per item
reports (the way the batch wrote before it went through the bulk writer)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction

from socredit.apps.imports.columns import RECORD_COLUMNS
from socredit.apps.imports.services import run_import
from socredit.apps.lists.models import ListProposal
from socredit.apps.records import services
from socredit.apps.records.models import CreditRecord, RecordStateChange
from socredit.common.errors import FieldErrors
from socredit.common.imports import write_csv
from socredit.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(personas, civil_affairs):
    org = factories.organization("410105", registered_on=dt.date(2015, 3, 1))
    second = factories.organization("410105", registered_on=dt.date(2016, 3, 1))
    person = factories.person("王负责")
    factories.role(org, person)  # a person is named on a record only within the writer's scope
    factories.record(org, document_number="DB-1", occurred_on=dt.date(2024, 1, 5))
    return {"org": org, "second": second, "person": person, "user": personas["staff_jinshui"]}


def _items(s: dict[str, Any]) -> list[dict[str, Any]]:
    org, second = s["org"].code, s["second"].code
    base = {
        "kind": "penalty_warning",
        "occurred_on": "2024-05-10",
        "department": "郑州市民政局",
        "summary": "摘要",
    }
    return [
        {**base, "organization": org, "document_number": "B-1"},
        {
            **base,
            "organization": org,
            "document_number": "B-2",
            "kind": "penalty_fine",
            "amount": "20000",
            "decided_on": "2024-05-20",
            "persons": s["person"].id_number,
        },  # fmt: skip
        {**base, "organization": second, "document_number": "B-3", "kind": "annual_report_missing"},
        {**base, "organization": second, "document_number": "", "external_id": "EXT-9"},
        {**base, "organization": org, "document_number": "E-1", "kind": "no_such_kind"},
        {**base, "organization": org, "document_number": "E-2", "occurred_on": "2024-02-30"},
        {**base, "organization": org, "document_number": "E-3", "kind": "penalty_fine", "amount": "-5"},
        {**base, "organization": org, "document_number": "B-1"},  # same as the first: a duplicate
        {**base, "organization": org, "document_number": "B-1", "summary": "另一内容"},  # clash in the batch
        {
            **base,
            "organization": org,
            "document_number": "DB-1",
            "occurred_on": "2024-01-05",
        },  # clash in the db
        {**base, "organization": "51410105MJ0000018X", "document_number": "E-4"},
    ]


def _rows() -> list[tuple[Any, ...]]:
    """Every record the input wrote, as the rows the database holds (without the channel columns)."""
    return sorted(
        (
            r.organization.code,
            r.kind.code,
            r.occurred_on,
            r.decided_on,
            r.document_number,
            r.amount,
            r.department.code,
            r.summary,
            r.visibility,
            r.dishonesty_class,
            r.external_id,
            r.status,
            r.is_current,
            r.publicity_until,
            r.ended_on,
            tuple(sorted(p.id_number for p in r.persons.all())),
            tuple((h.from_status, h.to_status) for h in r.history.all()),
        )  # fmt: skip
        for r in CreditRecord.objects.exclude(document_number="DB-1").select_related(
            "organization", "kind", "department"
        )
    )


def _proposals() -> list[tuple[Any, ...]]:
    return sorted(
        (p.organization.code, p.list, p.ground, p.trigger_record.document_number, p.status)
        for p in ListProposal.objects.select_related("organization", "trigger_record")
    )


def test_the_api_batch_and_the_import_write_the_same_rows(setup):
    items = _items(setup)
    point = transaction.savepoint()
    result = services.create_records_batch(actor=setup["user"], channel="api", items=items)
    by_api, proposals_by_api = _rows(), _proposals()
    transaction.savepoint_rollback(point)
    assert not CreditRecord.objects.filter(document_number="B-1").exists()
    content = write_csv(
        [c.title for c in RECORD_COLUMNS], [[i.get(c.field, "") for c in RECORD_COLUMNS] for i in items]
    )
    run = run_import(
        actor=setup["user"], channel="import", kind="records", content=content, file_name="r.csv"
    )
    assert _rows() == by_api and _proposals() == proposals_by_api
    assert len(result["created"]) == run.created == 4 and len(by_api) == 4
    assert [d["index"] for d in result["duplicates"]] == [7]
    assert {e["index"] for e in result["errors"]} == {4, 5, 6, 8, 9, 10}
    # the import reports the same rows (row = index + 2: the header is row 1), the duplicate as an error
    assert {e["row"] - 2 for e in run.errors} == {4, 5, 6, 7, 8, 9, 10}
    assert RecordStateChange.objects.filter(record__document_number__startswith="B-").count() == 3


def _one_at_a_time(actor: Any, items: list[dict[str, Any]]) -> dict[int, Any]:
    """What ``create_record`` says of each item, in order, each in its own savepoint (kept if written)."""
    out: dict[int, Any] = {}
    for index, data in enumerate(items):
        try:
            with transaction.atomic():
                out[index] = services.create_record(actor=actor, channel="api", data=data).pk
        except FieldErrors as exc:
            out[index] = exc.errors
    return out


def test_per_item_errors_are_those_of_one_create_record_per_item(setup):
    items = _items(setup)
    point = transaction.savepoint()
    single = _one_at_a_time(setup["user"], items)
    single_rows = _rows()
    transaction.savepoint_rollback(point)
    result = services.create_records_batch(actor=setup["user"], channel="api", items=items)
    errors = {e["index"]: e["errors"] for e in result["errors"]}
    # validation errors: word for word those of create_record (clean_record is shared)
    for index in (4, 5, 6, 10):
        assert errors[index] == single[index]
    # natural-key clashes: create_record refuses both; the batch says which item or record it clashes with
    assert "document_number" in single[8] and "document_number" in single[9]
    assert errors[8] == {"document_number": ["与本批第 0 条的文书号/外部编号相同但内容不同"]}
    existing = CreditRecord.objects.get(document_number="DB-1")
    assert errors[9] == {  # the record by its kind and number, never its id
        "document_number": [
            f"与已有记录“{existing.reference}”的文书号/外部编号相同但内容不同（修改请使用更正）"
        ]
    }
    assert result["duplicates"] == [{"index": 7, "id": result["created"][0]}]
    assert _rows() == single_rows  # and the same rows as one create_record per item


def test_a_record_written_meanwhile_falls_back_to_one_at_a_time(setup, monkeypatch):
    """A natural key taken between validation and the insert (another writer): the batch writes the
    others and reports that item, instead of failing every item."""
    items = _items(setup)[:3]
    real = services.bulk.existing_records

    def stale(keys: Any) -> Any:  # validation does not see B-2, written by someone else
        out = real(keys)
        factories.record(
            setup["org"], "penalty_warning", occurred_on=dt.date(2024, 5, 11), document_number="B-2"
        )
        return out

    monkeypatch.setattr(services.bulk, "existing_records", stale)
    result = services.create_records_batch(actor=setup["user"], channel="api", items=items)
    assert len(result["created"]) == 2 and [e["index"] for e in result["errors"]] == [1]
    assert "document_number" in result["errors"][0]["errors"]


def test_the_api_batch_writes_one_audit_event_and_the_chain_holds(setup):
    from socredit.apps.audit.models import AuditEvent
    from socredit.apps.audit.services import verify_chain

    before = AuditEvent.objects.count()
    result = services.create_records_batch(actor=setup["user"], channel="api", items=_items(setup))
    events = list(AuditEvent.objects.filter(pk__gt=0).order_by("id"))[before:]
    batch = [e for e in events if e.action == "record.create_batch"]
    assert len(batch) == 1 and not [e for e in events if e.action == "record.create"]
    assert batch[0].data["count"] == 4 and batch[0].data["ids"] == result["created"]
    assert [r["document_number"] for r in batch[0].data["records"]] == ["B-1", "B-2", "B-3", ""]
    assert "4" in batch[0].summary and "#" not in batch[0].summary
    # each proposal the batch gave is audited on its own, chained after the batch's event
    proposals = ListProposal.objects.filter(trigger_record_id__in=result["created"])
    assert proposals.exists()
    audited = {e.target_id for e in events if e.action == "lists.propose"}
    assert audited == {str(p.pk) for p in proposals}
    assert verify_chain() is None


def test_bulk_proposals_are_the_rows_propose_writes_one_at_a_time(setup):
    """``lists.services.bulk_proposals.write_proposals`` (set-based) writes what ``propose`` (one at a time)
    writes for the same core proposals: the same columns, region and trigger kind, and records."""
    from socredit.apps.lists.services import bulk_proposals as lists_bulk
    from socredit.apps.lists.services.common import histories, list_records, profile_groups
    from socredit.apps.lists.services.proposals import propose
    from socredit.common.clock import today
    from socredit.core.lists import daily_run

    org = setup["org"]
    for i, day in enumerate((dt.date(2024, 3, 1), dt.date(2024, 6, 1))):
        factories.record(org, "penalty_warning", occurred_on=day, document_number=f"P-{i}")
    ListProposal.objects.all().delete()
    found = [
        p
        for _profile, params, group in profile_groups([org.pk], today())
        for p in daily_run(histories(group), list_records(group), today(), params)
        if p.trigger_record_id is not None
    ]
    assert found

    def rows() -> list[tuple[Any, ...]]:
        return sorted(
            (p.organization_id, p.list, p.action, p.ground, p.trigger_record_id, p.region_id, p.trigger_kind_id,
             p.arose_on, p.needs_confirmation, p.notice_required, p.reason, p.note, p.status,
             tuple(sorted(p.records.values_list("pk", flat=True))))
            for p in ListProposal.objects.all()
        )  # fmt: skip

    point = transaction.savepoint()
    for p in found:
        propose(p)
    one_at_a_time = rows()
    transaction.savepoint_rollback(point)
    ids = lists_bulk.write_proposals(found, actor=setup["user"], channel="system",
                                      policy_versions={org.pk: "v"})  # fmt: skip
    assert rows() == one_at_a_time and len(ids) == len(one_at_a_time)
    assert all(r[5] == org.region_id and r[6] is not None for r in one_at_a_time)
    # an open proposal is never made twice
    assert lists_bulk.write_proposals(found, actor=setup["user"], channel="system", policy_versions={}) == []


def test_a_batch_reads_its_organizations_in_one_query_not_one_per_item(setup):
    """The organizations of a batch are read together (on PostgreSQL one query per item cost 10 s
    for 1,000 records): twelve items of twelve organizations make as many statements as three of three,
    and an unknown or out-of-scope code is still refused for its own item."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    orgs = [factories.organization("410105") for _ in range(12)]
    outside = factories.organization("410184")  # another district: out of the staff member's scope

    def batch(chosen: list[Any], tag: str) -> tuple[int, dict[str, Any]]:
        items = [{"organization": o.code, "kind": "commendation_municipal", "occurred_on": "2024-05-10",
                  "department": "郑州市民政局", "document_number": f"{tag}-{i}", "summary": "表彰"}
                 for i, o in enumerate(chosen)]  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            result = services.create_records_batch(actor=setup["user"], channel="api", items=items)
        reads = [q for q in queries.captured_queries if 'FROM "registry_organization"' in q["sql"]]
        return len(reads), result

    few, _ = batch(orgs[:3], "Q3")
    many, result = batch(orgs, "Q12")
    assert len(result["created"]) == 12
    assert many == few
    _reads, refused = batch([outside, orgs[0]], "Q-out")
    assert [e["index"] for e in refused["errors"]] == [0] and len(refused["created"]) == 1
