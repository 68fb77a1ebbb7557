"""The lists API: members now and on a past date, filters, an organization's history, the credit answer."""

from __future__ import annotations

import datetime as dt

import pytest

from socredit.apps.lists import services
from socredit.apps.lists.models import ListProposal
from socredit.apps.lists.tests.conftest import ago, confirm
from socredit.testing import factories

pytestmark = pytest.mark.django_db
API = "/api/v1"


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}


def get(client, path, raw=None, **params):
    return client.get(API + path, params, **bearer(raw))


@pytest.fixture
def reader(civil_affairs):
    return factories.token(["lists:read", "credit:read"], civil_affairs)[1]


@pytest.fixture
def transferred(org, actor):
    """Abnormal 2024-03-10 → serious 2026-03-11 (R1.11)."""
    factories.record(org, "annual_report_missing", occurred_on=dt.date(2024, 3, 1))
    p = ListProposal.objects.get(organization=org)
    confirm(actor, p, dt.date(2024, 3, 10), "郑民异〔2024〕7号")
    services.daily_run(actor, dt.date(2026, 3, 11))
    transfer = ListProposal.objects.get(organization=org, status="proposed", action="transfer")
    confirm(actor, transfer, dt.date(2026, 3, 11), "郑民严〔2026〕3号")
    return org


def codes(response):
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["items"]]


def test_as_of_gives_the_exact_status_before_and_after(client, reader, transferred):
    code = transferred.code
    assert codes(get(client, "/lists/abnormal", reader, as_of="2024-03-09")) == []
    assert codes(get(client, "/lists/abnormal", reader, as_of="2024-03-10")) == [code]
    assert codes(get(client, "/lists/abnormal", reader, as_of="2026-03-10")) == [code]
    assert codes(get(client, "/lists/abnormal", reader, as_of="2026-03-11")) == []
    assert codes(get(client, "/lists/serious", reader, as_of="2026-03-10")) == []
    assert codes(get(client, "/lists/serious", reader, as_of="2026-03-11")) == [code]
    assert codes(get(client, "/lists/serious", reader)) == [code]
    assert codes(get(client, "/lists/abnormal", reader)) == []


def test_fields_follow_r1_17(client, reader, transferred):
    [row] = get(client, "/lists/abnormal", reader, as_of="2025-01-01").json()["items"]
    assert row["name"] == transferred.name
    assert (row["entered_on"], row["ground"], row["document_number"]) == (
        "2024-03-10",
        "R1.6(1)",
        "郑民异〔2024〕7号",
    )
    assert row["ground_title"].startswith("未按照规定时限")
    assert row["authority"] and row["left_on"] == "2026-03-11" and row["exit_ground"] == "R1.11"


def test_filters(client, reader, transferred):
    assert codes(get(client, "/lists/serious", reader, ground="R1.12(1)")) == [transferred.code]
    assert codes(get(client, "/lists/serious", reader, ground="R1.12(4)")) == []
    assert codes(get(client, "/lists/serious", reader, q=transferred.name[-4:])) == [transferred.code]
    assert codes(get(client, "/lists/serious", reader, q="没有这个组织")) == []
    assert codes(get(client, "/lists/serious", reader, region="410105")) == [transferred.code]
    assert codes(get(client, "/lists/serious", reader, region="410184")) == []


def test_history_of_an_organization(client, reader, transferred):
    r = get(client, f"/organizations/{transferred.code}/lists", reader)
    assert r.status_code == 200
    assert [(e["list"], e["ground"]) for e in r.json()] == [("serious", "R1.12(1)"), ("abnormal", "R1.6(1)")]


def test_refusals(client, civil_affairs, transferred, personas):
    assert get(client, "/lists/serious").status_code == 401
    no_scope = factories.token(["credit:read"], civil_affairs)[1]
    assert get(client, "/lists/serious", no_scope).status_code == 403
    reader = factories.token(["lists:read"], civil_affairs)[1]
    assert get(client, "/lists/black", reader).status_code == 404
    xinzheng = factories.token(["lists:read"], factories.department("xz-mzj", "新郑市民政局", "410184"))[1]
    assert codes(get(client, "/lists/serious", xinzheng)) == []
    assert get(client, f"/organizations/{transferred.code}/lists", xinzheng).status_code == 404
    client.force_login(personas["staff_jinshui"])
    assert codes(get(client, "/lists/serious")) == [transferred.code]


def test_credit_answer_carries_the_list_status(client, reader, org, actor):
    factories.record(org, "penalty_fine", amount="60000", occurred_on=ago(10))
    p = ListProposal.objects.get(organization=org)
    confirm(actor, p, ago(5), "S9")
    now = get(client, f"/organizations/{org.code}/credit", reader).json()
    assert now["lists"] == [{"list": "serious", "since": ago(5).isoformat()}] and now["level"] == "D"
    before = get(client, f"/organizations/{org.code}/credit", reader, as_of=ago(6).isoformat()).json()
    assert before["lists"] == []


def test_a_decision_stored_with_item_codes_is_cited_from_the_catalogue(client, reader, transferred):
    """Decisions written before documents cited the law kept texts like "根据rules.md R1.12(1)…": the
    migration to reasons in words (lists 0007) replaces them by the catalogue's citation."""
    import importlib

    from django.apps import apps

    from socredit.apps.lists.models import ListDecision

    ListDecision.objects.filter(organization=transferred).update(
        legal_basis="根据rules.md R1.12(1)；民政部令第60号 第十条（条号待核）［SECONDARY］",
        reason="列入事由不涉及履行义务或整改，自动移出（R1.10(b)）；情形（2025-01-02，R1.6(5)）",
    )
    importlib.import_module("socredit.apps.lists.migrations.0007_reasons_in_words").rewrite(apps, None)
    decision = ListDecision.objects.filter(organization=transferred).first()
    assert decision.reason == "列入事由不涉及履行义务或整改，自动移出；情形（2025-01-02）"
    rows = get(client, f"/organizations/{transferred.code}/lists", reader).json()
    assert rows and all(
        r["legal_basis"].startswith("《社会组织信用信息管理办法》（民政部令第60号）") for r in rows
    )
    assert not any("R1." in r["legal_basis"] or "SECONDARY" in r["legal_basis"] for r in rows)
