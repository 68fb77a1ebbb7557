"""The live update: every record change re-scores its organization in the same transaction, keeps
the packed facts equal to the records, and writes the level history when the level moves."""

from __future__ import annotations

import pytest

from socredit.apps.evaluation import services, storage
from socredit.apps.evaluation.models import CreditScore, FactBlock, LevelChange
from socredit.apps.evaluation.tests.conftest import ago, assert_block_consistent, assert_score_is_explained
from socredit.apps.imports.columns import RECORD_COLUMNS
from socredit.apps.imports.models import ImportStatus
from socredit.apps.imports.services import run_import
from socredit.apps.records.models import CreditRecord
from socredit.apps.records.services import correct_record, create_records_batch, revoke_record
from socredit.apps.records.signals import records_changed
from socredit.common.imports import write_csv
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def score_of(org):
    return CreditScore.objects.get(organization=org)


def changes_of(org):
    return list(LevelChange.objects.filter(organization=org).order_by("id"))


@pytest.fixture
def announcements():
    """Every records_changed signal sent during the test: (organization_ids, cause)."""
    sent = []

    def receiver(sender, *, organization_ids, cause, **_):
        sent.append((set(organization_ids), cause))

    records_changed.connect(receiver, dispatch_uid="test.evaluation.announcements")
    yield sent
    records_changed.disconnect(dispatch_uid="test.evaluation.announcements")


def test_create_correct_revoke_rescore_at_once(personas, civil_affairs):
    actor = personas["staff_jinshui"]
    org = factories.organization("410105")
    assert not CreditScore.objects.filter(organization=org).exists()

    # A fine of 60,000 yuan weighs -20 (amount step): 75 - 20 = 55 → C. First score: from "" to C.
    fine = factories.record(org, "penalty_fine", actor=actor, amount="60000", occurred_on=ago(30))
    assert (score_of(org).score, score_of(org).level) == (55, "C")
    assert_score_is_explained(org)
    assert_block_consistent(org)
    [first] = changes_of(org)
    assert (first.from_level, first.to_level, first.from_score, first.to_score) == ("", "C", None, 55)
    assert first.as_of == services.today() and first.run_id is None and first.cause == "score"
    assert first.trigger == f"新增记录：行政处罚：罚款 {fine.document_number}" and "#" not in first.trigger

    # A warning (minor, -5): 50 → D; the history names the record and both scores.
    warning = factories.record(org, "penalty_warning", actor=actor, occurred_on=ago(20))
    assert (score_of(org).score, score_of(org).level) == (50, "D")
    change = changes_of(org)[-1]
    assert (change.from_level, change.to_level, change.from_score, change.to_score) == ("C", "D", 55, 50)
    assert change.trigger == f"新增记录：行政处罚：警告 {warning.document_number}"
    assert_block_consistent(org)

    # A clean spot check (+1) moves the score, not the level: no new history row.
    factories.record(org, "spot_check_clear", actor=actor, occurred_on=ago(10))
    assert (score_of(org).score, score_of(org).level) == (51, "D")
    assert len(changes_of(org)) == 2
    assert_score_is_explained(org)
    assert_block_consistent(org)

    # 更正: the fine was 3,000 yuan, class 一般 → -8 instead of -20: 75 - 8 - 5 + 1 = 63 → C.
    new = correct_record(
        actor=actor, channel="form", record=fine, data={"amount": "3000"}, reason="金额录入错误"
    )
    assert (score_of(org).score, score_of(org).level) == (63, "C")
    change = changes_of(org)[-1]
    assert (change.from_level, change.to_level, change.from_score, change.to_score) == ("D", "C", 51, 63)
    assert (
        f"更正记录（行政处罚：罚款 {fine.document_number}）" in change.trigger and "#" not in change.trigger
    )
    assert_score_is_explained(org)
    assert_block_consistent(org)  # the superseded version left the block, the new one is in it

    # 撤销: a revoked fine no longer counts at all: 75 - 5 + 1 = 71 → B.
    revoke_record(actor=actor, channel="form", record=new, reason="处罚决定被复议撤销")
    assert (score_of(org).score, score_of(org).level) == (71, "B")
    explained = services.explain_organization(org)
    assert "penalty_fine" not in {line.indicator.id for line in explained.lines}
    assert new.pk not in explained.contributions["record_id"].to_list()
    change = changes_of(org)[-1]
    assert (change.from_level, change.to_level) == (
        "C",
        "B",
    ) and f"撤销记录（行政处罚：罚款 {new.document_number}）" in change.trigger
    assert_score_is_explained(org)
    assert_block_consistent(org)
    assert [c.to_level for c in changes_of(org)] == ["C", "D", "C", "B"]


def test_orgs_sharing_a_block_keep_each_others_facts(personas, civil_affairs):
    one, two = factories.organization(), factories.organization()
    factories.record(one, "penalty_fine", occurred_on=ago(30))
    factories.record(two, "grade_4a", occurred_on=ago(100))
    factories.record(one, "penalty_warning", occurred_on=ago(5))  # rewrites the block both live in
    assert_block_consistent(one, two)
    assert_score_is_explained(one, two)
    assert score_of(two).level == "A"  # 75 + 10 = 85


def test_batch_api_announces_once_and_scores_every_organization(personas, civil_affairs, announcements):
    actor = personas["staff_jinshui"]
    a, b = factories.organization(), factories.organization()
    item = {
        "kind": "penalty_fine",
        "department": civil_affairs.code,
        "amount": "80000",
        "occurred_on": ago(30),
    }
    result = create_records_batch(actor=actor, channel="api", items=[
        {**item, "organization": a.code, "document_number": "批-1"},
        {**item, "organization": a.code, "document_number": "批-2", "kind": "penalty_warning"},
        {**item, "organization": b.code, "document_number": "批-3"},
        {**item, "organization": "不存在", "document_number": "批-4"},  # an error is reported, not written
    ])  # fmt: skip
    assert len(result["created"]) == 3 and [e["index"] for e in result["errors"]] == [3]
    assert announcements == [({a.pk, b.pk}, "批量写入 3 条记录")]
    assert (score_of(a).score, score_of(a).level) == (50, "D")  # -20 - 5
    assert (score_of(b).score, score_of(b).level) == (55, "C")
    for org in (a, b):
        [change] = changes_of(org)
        assert change.trigger == "批量写入 3 条记录"
    assert_score_is_explained(a, b)
    assert_block_consistent(a, b)


def test_batch_api_across_several_blocks(personas, civil_affairs, many_orgs):
    bulk = many_orgs(600)  # consecutive ids: at least three blocks
    touched = [bulk[0], bulk[299], bulk[-1]]
    assert len({storage.block_of(o.pk) for o in touched}) >= 2
    factories.record(bulk[1], "grade_4a", occurred_on=ago(50))  # a neighbour already in a block
    items = [{"organization": o.code, "kind": "penalty_fine", "department": civil_affairs.code,
              "occurred_on": ago(30), "document_number": f"跨块-{o.pk}"} for o in touched]  # fmt: skip
    result = create_records_batch(actor=personas["city_admin"], channel="api", items=items)
    assert len(result["created"]) == 3 and result["errors"] == []
    assert {s.organization_id: s.score for s in CreditScore.objects.all()} == {
        bulk[1].pk: 85,
        **{o.pk: 67 for o in touched},
    }
    assert_score_is_explained(bulk[1], *touched)
    assert_block_consistent(*bulk[:3], bulk[299], bulk[300], bulk[-1])


def test_batch_api_with_nothing_written_announces_nothing(personas, civil_affairs, announcements):
    a = factories.organization()
    result = create_records_batch(actor=personas["staff_jinshui"], channel="api",
                                  items=[{"organization": a.code, "kind": "nope"}])  # fmt: skip
    assert result["created"] == [] and announcements == []
    assert not CreditScore.objects.filter(organization=a).exists()


def import_rows(rows):
    head = [c.title for c in RECORD_COLUMNS]
    full = []
    for org, doc, kind, amount in rows:
        row = {"organization": org.code, "kind": kind, "occurred_on": ago(30).isoformat(), "decided_on": "",
               "document_number": doc, "amount": amount, "department": "郑州市民政局", "summary": "导入",
               "visibility": "", "dishonesty_class": "", "persons": "", "external_id": ""}  # fmt: skip
        full.append([row[c.field] for c in RECORD_COLUMNS])
    return write_csv(head, full)


def test_import_rescores_imported_organizations_and_dry_run_changes_nothing(
    personas, civil_affairs, announcements
):
    actor = personas["staff_jinshui"]
    a, b, untouched = factories.organization(), factories.organization(), factories.organization()
    factories.record(untouched, "grade_5a", occurred_on=ago(200))
    factories.record(a, "grade_3a", occurred_on=ago(200))  # 80 B before the import
    announcements.clear()

    content = import_rows([(a, "导-1", "penalty_fine", "60000"), (b, "导-2", "penalty_warning", "")])
    run = run_import(actor=actor, channel="import", kind="records", content=content, file_name="r.csv")
    assert run.status == ImportStatus.SUCCEEDED and run.created == 2
    assert [ids for ids, _ in announcements] == [{a.pk, b.pk}]
    assert (score_of(a).score, score_of(a).level) == (60, "C")  # 75 + 5 - 20
    assert (score_of(b).score, score_of(b).level) == (70, "B")  # 75 - 5
    change = changes_of(a)[-1]
    assert (change.from_level, change.to_level, change.from_score) == ("B", "C", 80)
    assert change.trigger == f"批量导入（{run.file_name}）"
    assert_score_is_explained(a, b, untouched)
    assert_block_consistent(a, b, untouched)

    # A dry run validates the same kind of file and writes nothing: no score, history or block moves.
    before = (
        list(CreditScore.objects.order_by("pk").values_list("pk", "score", "level", "evaluated_at")),
        LevelChange.objects.count(),
        {blk.block: bytes(blk.facts) for blk in FactBlock.objects.all()},
    )
    content = import_rows([(a, "导-3", "penalty_warning", ""), (b, "导-4", "penalty_fine", "90000"),
                           (untouched, "导-5", "penalty_fine", "90000")])  # fmt: skip
    dry = run_import(actor=actor, channel="import", kind="records", content=content, file_name="d.csv",
                     dry_run=True)  # fmt: skip
    assert dry.status == ImportStatus.SUCCEEDED and dry.created == 3  # would create three
    after = (
        list(CreditScore.objects.order_by("pk").values_list("pk", "score", "level", "evaluated_at")),
        LevelChange.objects.count(),
        {blk.block: bytes(blk.facts) for blk in FactBlock.objects.all()},
    )
    assert after == before
    assert len(announcements) == 1
    assert_block_consistent(a, b, untouched)


def test_rescoring_is_part_of_the_record_transaction(personas, civil_affairs, monkeypatch):
    """If the re-scoring fails, the record is not written either: one transaction, never a stale score."""
    org = factories.organization()
    factories.record(org, "penalty_fine", occurred_on=ago(30))
    before = (CreditRecord.objects.count(), score_of(org).score, LevelChange.objects.count(),
              {blk.block: bytes(blk.facts) for blk in FactBlock.objects.all()})  # fmt: skip

    def broken(*args, **kwargs):
        raise RuntimeError("评价写入失败")

    monkeypatch.setattr(storage, "write_results", broken)
    with pytest.raises(RuntimeError, match="评价写入失败"):
        factories.record(org, "penalty_fine", occurred_on=ago(10), amount="99999")
    after = (CreditRecord.objects.count(), score_of(org).score, LevelChange.objects.count(),
             {blk.block: bytes(blk.facts) for blk in FactBlock.objects.all()})  # fmt: skip
    assert after == before
