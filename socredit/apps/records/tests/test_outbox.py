"""The change outbox: corrections, revocations, repairs and list changes are written as events in
the same transaction; departments read them after a cursor, within their region, with the scope
changes:read; staff sessions may read too; a rolled-back change leaves no event."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import transaction

from socredit.apps.lists.models import ListDecision
from socredit.apps.lists.services import decisions as lists_decisions
from socredit.apps.records import outbox
from socredit.apps.records.models import ChangeEvent
from socredit.apps.records.services import correct_record, repair_record, revoke_record
from socredit.common.errors import FieldErrors
from socredit.testing import factories

pytestmark = pytest.mark.django_db
API = "/api/v1/changes"


@pytest.fixture
def jinshui(personas, civil_affairs):
    return factories.organization("410105", name="金水区养老服务协会")


@pytest.fixture
def xinzheng(personas, civil_affairs):
    return factories.organization("410184", name="新郑市红枣产业协会")


def read_api(client, raw=None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
    return client.get(API, params, **headers)


def test_correct_revoke_repair_write_events(personas, jinshui):
    actor = personas["staff_jinshui"]
    a = factories.record(jinshui, "penalty_fine", actor=actor, amount="3000")
    b = factories.record(jinshui, "penalty_fine", actor=actor, amount="3000")
    c = factories.record(jinshui, "penalty_fine", actor=actor, amount="3000")
    assert not ChangeEvent.objects.exists()  # creation is not a change other departments must learn of
    new = correct_record(actor=actor, channel="form", record=a, data={"amount": "2000"}, reason="金额错误")
    revoke_record(actor=actor, channel="form", record=b, reason="决定被撤销")
    repair_record(
        actor=actor, channel="form", record=c, on=c.occurred_on, reason="已修复", case_number="XF-2026-000001"
    )
    events = list(ChangeEvent.objects.order_by("id"))
    assert [e.kind for e in events] == ["record.corrected", "record.revoked", "record.repaired"]
    assert events[0].payload["record"] == a.pk and events[0].payload["new_record"] == new.pk
    assert events[1].record == b and events[1].payload["reason"] == "决定被撤销"
    assert events[2].payload["case"] == "XF-2026-000001"
    assert all(
        e.region_path == jinshui.region.path and e.payload["organization"] == jinshui.code for e in events
    )


def test_refused_change_writes_no_event(personas, jinshui):
    record = factories.record(jinshui, "penalty_fine", actor=personas["staff_jinshui"], amount="3000")
    with pytest.raises(FieldErrors):
        revoke_record(actor=personas["staff_jinshui"], channel="form", record=record, reason="")
    with pytest.raises(RuntimeError), transaction.atomic():
        revoke_record(actor=personas["staff_jinshui"], channel="form", record=record, reason="撤销")
        raise RuntimeError("rolled back")
    assert not ChangeEvent.objects.exists()


def test_emit_refuses_unknown_kinds(jinshui):
    with pytest.raises(ValueError), transaction.atomic():
        outbox.emit("record.deleted", jinshui)


def test_list_entry_and_removal_write_events(personas, jinshui):
    decision = ListDecision.objects.create(organization=jinshui, kind="entry", list="abnormal", ground="R1.6(5)",
                                           legal_basis="R1.6(5)", document_number="郑民异〔2026〕1号",
                                           authority_name="郑州市民政局", decided_on=dt.date(2026, 2, 1),
                                           confirmed_by_label="t", policy_version="national-2026.1")  # fmt: skip
    with transaction.atomic():
        entry = lists_decisions.open_entry(decision, "abnormal", "R1.6(5)", decision.decided_on,
                                           clock_start=decision.decided_on, arose_on=None, trigger_record_id=None)  # fmt: skip
        lists_decisions.close_entry(entry, decision, dt.date(2026, 8, 1), "R1.10(a)")
    kinds = list(ChangeEvent.objects.order_by("id").values_list("kind", "payload"))
    assert [k for k, _ in kinds] == ["list.entered", "list.removed"]
    assert kinds[0][1]["list"] == "abnormal" and kinds[1][1]["left_on"] == "2026-08-01"


def test_read_with_a_cursor_in_pages(personas, jinshui):
    actor = personas["staff_jinshui"]
    for _ in range(5):
        r = factories.record(jinshui, "penalty_fine", actor=actor, amount="3000")
        revoke_record(actor=actor, channel="form", record=r, reason="撤销")
    ids = list(ChangeEvent.objects.order_by("id").values_list("id", flat=True))
    page, cursor, more = outbox.read(actor, 0, 2)
    assert [e.id for e in page] == ids[:2] and cursor == ids[1] and more
    page, cursor, more = outbox.read(actor, cursor, 2)
    page, cursor, more = outbox.read(actor, cursor, 2)
    assert [e.id for e in page] == ids[4:] and not more
    page, again, more = outbox.read(actor, cursor, 2)
    assert page == [] and again == cursor and not more


def test_api_scope_region_and_session(client, login, personas, jinshui, xinzheng, civil_affairs):
    actor = personas["city_admin"]
    for org in (jinshui, xinzheng):
        r = factories.record(org, "penalty_fine", actor=actor, amount="3000")
        revoke_record(actor=actor, channel="form", record=r, reason="撤销")
    assert read_api(client).status_code == 401
    no_scope = factories.token(["records:read"], civil_affairs)[1]
    r = read_api(client, no_scope)
    assert r.status_code == 403 and "changes:read" in r.json()["detail"]
    city = factories.token(["changes:read"], civil_affairs, name="city")[1]
    body = read_api(client, city, after=0, limit=10).json()
    assert {i["organization"] for i in body["items"]} == {jinshui.code, xinzheng.code}
    assert body["next"] == body["items"][-1]["id"] and body["has_more"] is False
    assert body["items"][0]["kind_label"] == "记录撤销"
    xz_dept = factories.department("xz-mzj", "新郑市民政局", "410184")
    local = factories.token(["changes:read"], xz_dept, name="xz")[1]
    items = read_api(client, local).json()["items"]
    assert [i["organization"] for i in items] == [xinzheng.code]
    assert read_api(client, city, after=body["next"]).json() == {
        "items": [],
        "next": body["next"],
        "has_more": False,
    }
    assert read_api(client, city, limit=0).status_code == 422
    staff = login(personas["staff_xinzheng"])
    assert [i["organization"] for i in json.loads(staff.get(API).content)["items"]] == [xinzheng.code]


def test_token_never_sees_events_of_internal_records(client, personas, jinshui, civil_affairs):
    actor = personas["staff_jinshui"]
    r = factories.record(jinshui, "penalty_fine", actor=actor, amount="3000", visibility="3")
    revoke_record(actor=actor, channel="form", record=r, reason="撤销")
    raw = factories.token(["changes:read"], civil_affairs)[1]
    assert read_api(client, raw).json()["items"] == []
    assert len(outbox.read(actor)[0]) == 1  # staff see it
