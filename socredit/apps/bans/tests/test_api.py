"""The departments' door: POST /api/v1/bans (per-item results, idempotent by document, bad items
reported by index and field while the good ones are written) and GET /api/v1/bans?id_number=."""

from __future__ import annotations

import json

import pytest

from socredit.apps.bans.models import Ban
from socredit.apps.bans.tests.conftest import ago, ahead
from socredit.testing import factories

pytestmark = pytest.mark.django_db
URL = "/api/v1/bans"


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def court(personas):
    dept = factories.department("zz-court", "郑州市中级人民法院", "410100")
    return factories.token(["bans:write", "bans:read"], dept)[1]


def item(person, **over):
    return {"name": person.name, "id_number": person.id_number, "ground": "other", "kind": "employment_ban",
            "ground_text": "利用职业便利实施犯罪", "legal_basis": "《中华人民共和国刑法》第三十七条之一",
            "scope": "禁止从事社会组织管理工作", "document_number": "（2026）豫01刑终12号",
            "decided_on": ago(20).isoformat(), "years": 3, **over}  # fmt: skip


def post(client, raw, items):
    return client.post(URL, json.dumps({"items": items}), content_type="application/json", **bearer(raw))


def test_a_push_writes_the_good_items_and_reports_the_bad_ones_by_index(client, court):
    good, other = factories.person("甲某"), factories.person("乙某")
    body = [
        item(good),
        item(other, id_number="410105198506010048"),  # check digit
        item(other, decided_on="2026-13-40"),
        item(other, until="yesterday", years=None),
        item(other, authority="冒名机关"),  # ignored for a token: the department decides
    ]
    response = post(client, court, body)
    assert response.status_code == 200, response.content
    out = response.json()
    assert [c["index"] for c in out["created"]] == [0, 4]
    assert {e["index"]: sorted(e["errors"]) for e in out["errors"]} == {
        1: ["id_number"],
        2: ["decided_on"],
        3: ["until"],
    }
    assert "校验位" in out["errors"][0]["errors"]["id_number"][0]
    created = out["created"][0]["ban"]
    assert created["authority"] == "郑州市中级人民法院" and created["state"] == "in_force"
    assert good.id_number not in response.content.decode() and "id_number" not in created
    assert {b.authority_name for b in Ban.objects.all()} == {"郑州市中级人民法院"}
    assert set(Ban.objects.values_list("source", flat=True)) == {"department"}


def test_a_retry_writes_nothing(client, court):
    person = factories.person("丙某")
    assert len(post(client, court, [item(person)]).json()["created"]) == 1
    again = post(client, court, [item(person)]).json()
    assert (again["created"], [e["index"] for e in again["existing"]]) == ([], [0])
    assert Ban.objects.count() == 1


def test_the_scope_is_required(client, personas):
    raw = factories.token(["records:write"])[1]
    assert post(client, raw, [item(factories.person("丁某"))]).status_code == 403
    assert (
        client.get(URL, {"id_number": factories.person("戊某").id_number}, **bearer(raw)).status_code == 403
    )


def test_too_many_items_is_refused_whole(client, court):
    person = factories.person("己某")
    response = post(client, court, [item(person)] * 501)
    assert response.status_code == 422 and "items" in response.json()["errors"]
    assert not Ban.objects.exists()


def test_read_a_persons_bans_in_force_now_or_on_a_past_day(client, court):
    person = factories.person("庚某")
    post(client, court, [item(person, decided_on=ago(20).isoformat(), start_on=ago(20).isoformat(), years=None,
                              until=ahead(10).isoformat())])  # fmt: skip
    now = client.get(URL, {"id_number": person.id_number}, **bearer(court)).json()
    [ban] = now["bans"]
    assert (ban["kind"], ban["authority"], ban["legal_basis"]) == (
        "employment_ban",
        "郑州市中级人民法院",
        "《中华人民共和国刑法》第三十七条之一",
    )
    assert person.id_number not in json.dumps(now)
    before = client.get(
        URL, {"id_number": person.id_number, "as_of": ago(21).isoformat()}, **bearer(court)
    ).json()
    assert before["bans"] == []
    bad = client.get(URL, {"id_number": "123"}, **bearer(court))
    assert bad.status_code == 422 and "id_number" in bad.json()["errors"]
