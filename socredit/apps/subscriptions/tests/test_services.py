"""Which events a subscription matches (organizations, regions with the regions below, lists; only
the kinds chosen; only its department's region), and the documented ban.created event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from socredit.apps.records.services import revoke_record
from socredit.apps.subscriptions import services
from socredit.apps.subscriptions.access import subscription_events
from socredit.apps.subscriptions.outbox import ban_created
from socredit.common.errors import FieldErrors
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def subscribe(personas, dept, **data):
    subscription, _ = services.create_subscription(actor=personas["city_admin"], channel="form", department=dept,
                                                   data={"name": "s", **data})  # fmt: skip
    return subscription


def matched(subscription):
    return [(e.kind, e.organization_id) for e in subscription_events(subscription).order_by("id")]


def test_subjects_regions_and_lists_match_their_events(personas, dept, jinshui, jinshui2, xinzheng, emit):
    by_org = subscribe(personas, dept, organizations=[jinshui.code], kinds=["record.revoked", "list.entered"])
    by_region = subscribe(personas, dept, regions=["410184"], kinds=["record.revoked"])
    by_list = subscribe(personas, dept, lists=["serious"], kinds=["list.entered", "list.removed"])
    city = subscribe(personas, dept, regions=["410100"], kinds=["record.revoked"])
    emit("record.revoked", jinshui)
    emit("record.revoked", jinshui2)
    emit("record.revoked", xinzheng)
    emit("list.entered", jinshui2, list="serious")
    emit("list.entered", jinshui, list="abnormal")
    emit("record.corrected", jinshui)
    assert matched(by_org) == [("record.revoked", jinshui.pk), ("list.entered", jinshui.pk)]
    assert matched(by_region) == [("record.revoked", xinzheng.pk)]
    assert matched(by_list) == [("list.entered", jinshui2.pk)]
    assert [o for _, o in matched(city)] == [jinshui.pk, jinshui2.pk, xinzheng.pk]  # the city and below


def test_subjects_outside_the_department_region_are_refused(personas, dept):
    outside = factories.organization("410184")
    district = factories.department("jinshui-mzj", "金水区民政局", "410105")
    with pytest.raises(FieldErrors) as exc:
        subscribe(
            personas, district, organizations=[outside.code], regions=["410184"], kinds=["record.revoked"]
        )
    assert outside.code in exc.value.errors["organizations"][0] and "410184" in exc.value.errors["regions"][0]


def test_internal_records_stay_out_of_a_department_subscription(personas, dept, jinshui):
    subscription = subscribe(personas, dept, organizations=[jinshui.code], kinds=["record.revoked"])
    public = factories.record(jinshui, "penalty_warning")
    internal = factories.record(jinshui, "penalty_warning", visibility=3)
    for r in (public, internal):
        revoke_record(actor=personas["city_admin"], channel="form", record=r, reason="撤销")
    assert [e.record_id for e in subscription_events(subscription)] == [public.pk]


def test_ban_created_event_masks_the_id_number(personas, dept, jinshui):
    subscription = subscribe(personas, dept, organizations=[jinshui.code], kinds=["ban.created"])
    person = factories.person("王芳")
    with transaction.atomic():
        event = ban_created(organization=jinshui, ban_id=7, person_name=person.name, id_number=person.id_number,
                            ground="serious_list_legal_rep", decision="郑民禁〔2026〕1号",
                            starts_on=dt.date(2026, 3, 1), ends_on=None, scope="担任社会组织负责人")  # fmt: skip
    assert event.kind == "ban.created" and event.payload["person"] == "王芳"
    assert event.payload["id_number"] != person.id_number and "*" in event.payload["id_number"]
    assert event.payload["from"] == "2026-03-01" and event.payload["until"] is None
    assert [e.pk for e in subscription_events(subscription)] == [event.pk]
