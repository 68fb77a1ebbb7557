"""Record services: create, duplicate natural key, correct and revoke keep the history."""

import datetime as dt

import pytest

from socredit.apps.audit.services import verify_chain
from socredit.apps.records.models import CreditRecord
from socredit.apps.records.services import correct_record, revoke_record
from socredit.common.errors import FieldErrors
from socredit.core.types import RecordStatus
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def test_record_created_with_kind_defaults_and_history(personas):
    org = factories.organization()
    rec = factories.record(org, "penalty_warning", actor=personas["staff_jinshui"])
    assert rec.status == RecordStatus.EFFECTIVE.value
    assert rec.dishonesty_class == "minor"  # the kind's default class (rules.md R2.8)
    assert [h.to_status for h in rec.history.all()] == [RecordStatus.EFFECTIVE.value]
    assert verify_chain() is None


def test_duplicate_document_number_is_refused(personas):
    org = factories.organization()
    factories.record(org, document_number="郑民罚〔2024〕1号")
    with pytest.raises(FieldErrors, match="重复"):
        factories.record(org, document_number="郑民罚〔2024〕1号")
    assert CreditRecord.objects.filter(document_number="郑民罚〔2024〕1号").count() == 1


def test_correction_supersedes_and_keeps_old_content(personas):
    org = factories.organization()
    rec = factories.record(org, "penalty_fine", amount="3000")
    new = correct_record(actor=personas["staff_jinshui"], channel="form", record=rec,
                         data={"amount": "30000"}, reason="金额录入错误")  # fmt: skip
    rec.refresh_from_db()
    assert rec.status == RecordStatus.CORRECTED.value and not rec.is_current
    assert str(rec.amount) == "3000.00"
    assert str(new.amount) == "30000.00" and new.supersedes_id == rec.pk
    assert new.document_number == rec.document_number  # the natural key moves to the new version
    assert rec.history.last().reason == "金额录入错误"


def test_revoke_needs_reason_and_only_once(personas):
    org = factories.organization()
    rec = factories.record(org)
    with pytest.raises(FieldErrors, match="理由"):
        revoke_record(actor=personas["staff_jinshui"], channel="form", record=rec, reason=" ")
    revoke_record(actor=personas["staff_jinshui"], channel="form", record=rec, reason="处罚决定被复议撤销")
    rec.refresh_from_db()
    assert rec.status == RecordStatus.REVOKED.value
    with pytest.raises(FieldErrors, match="只能撤销有效记录"):
        revoke_record(actor=personas["staff_jinshui"], channel="form", record=rec, reason="again")


def test_out_of_scope_organization_reads_as_unknown(personas):
    org = factories.organization(region_code="410184")  # 新郑市
    with pytest.raises(FieldErrors, match="未登记或不在本辖区"):
        factories.record(org, actor=personas["staff_jinshui"])  # 金水区 staff


def test_future_and_inverted_dates_are_refused(personas):
    org = factories.organization()
    with pytest.raises(FieldErrors) as exc:
        factories.record(org, occurred_on=dt.date(2024, 5, 10), decided_on=dt.date(2024, 5, 1))
    assert "decided_on" in exc.value.errors
    with pytest.raises(FieldErrors) as exc:
        factories.record(org, occurred_on=dt.date.today() + dt.timedelta(days=2))
    assert "occurred_on" in exc.value.errors
