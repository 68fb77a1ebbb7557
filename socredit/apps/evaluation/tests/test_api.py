"""Credit API: scores computed on the fly (the same function as the page), batch, models, history, access."""

import datetime as dt
import json

import pytest

from socredit.apps.evaluation import services
from socredit.apps.evaluation.api import NOT_FOUND
from socredit.apps.evaluation.indicators import available_models, default_version
from socredit.apps.evaluation.models import LevelChange
from socredit.testing import factories

pytestmark = pytest.mark.django_db

API = "/api/v1"
STATUS_MODEL = "status-classes-2023.1"


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}


def get(client, path, raw=None, **params):
    return client.get(API + path, params, **bearer(raw))


def post(client, path, body, raw=None):
    return client.post(API + path, json.dumps(body), content_type="application/json", **bearer(raw))


def days_ago(n):
    return services.today() - dt.timedelta(days=n)


@pytest.fixture
def reader(civil_affairs):
    """A 郑州市民政局 token (city-wide) with credit:read."""
    return factories.token(["credit:read"], civil_affairs)[1]


@pytest.fixture
def org(personas):
    return factories.organization(region_code="410105", name="金水区养老服务协会")


@pytest.fixture
def xinzheng_org(personas):
    return factories.organization(region_code="410184", name="新郑市红枣产业协会")


def record(org, kind="penalty_warning", ago=10, **extra):
    return factories.record(org, kind, occurred_on=days_ago(ago), **extra)


def expected(ex):
    """The parts of an API answer that must equal services.explain_organization's Explanation."""
    return {
        "score": ex.score,
        "level": ex.level,
        "score_level": ex.score_level,
        "rule": ex.rule.id if ex.rule else None,
        "kind": "rule" if ex.rule else "score",
        "base": ex.base,
        "breakdown": [
            (ln.indicator.id, ln.count, ln.raw_points, ln.points, ln.capped, ln.indicator.reason)
            for ln in ex.lines
        ],
    }


def answered(body):
    return {
        "score": body["score"],
        "level": body["level"],
        "score_level": body["score_level"],
        "rule": body["decided_by"]["rule"],
        "kind": body["decided_by"]["kind"],
        "base": body["base"],
        "breakdown": [
            (b["indicator"], b["count"], b["raw_points"], b["points"], b["capped"], b["reason"])
            for b in body["breakdown"]
        ],
    }


# --- One organization ---------------------------------------------------------------------------


def test_answer_equals_explain_organization(client, org, reader):
    for n in range(4):  # 4 warnings × -5 = -20, capped at -15
        record(org, ago=10 + n)
    record(org, "grade_3a", ago=30)
    record(org, "annual_report_on_time", ago=40)
    response = get(client, f"/organizations/{org.code}/credit", reader)
    assert response.status_code == 200, response.content
    body = response.json()
    ex = services.explain_organization(org)
    assert answered(body) == expected(ex)
    assert body["score"] == 75 - 15 + 5 + 2 and body["level"] == "C" and body["level_name"] == "警示"
    lines = {b["indicator"]: b for b in body["breakdown"]}
    assert lines["penalty_minor"]["capped"] and lines["penalty_minor"]["raw_points"] == -20
    assert lines["penalty_minor"]["group"] == "penalty" and lines["penalty_minor"]["name"] == "行政处罚：警告"
    assert body["code"] == org.code and body["name"] == org.name
    assert body["model"]["version"] == default_version() and body["as_of"] == services.today().isoformat()
    assert body["decided_by"]["kind"] == "score" and body["decided_by"]["rule"] is None
    # the live update stored the same result
    assert body["stored"]["score"] == body["score"] and body["stored"]["level"] == body["level"]


def test_level_rule_is_named_with_its_reason(client, org, reader):
    record(org, "grade_5a", ago=30)
    body = get(client, f"/organizations/{org.code}/credit", reader, model=STATUS_MODEL).json()
    ex = services.explain_organization(org, model_version=STATUS_MODEL)
    assert answered(body) == expected(ex)
    assert body["score"] == 75 and body["score_level"] == "B" and body["level"] == "A"
    assert body["level_name"] == "信用良好"  # the model's own name for the level
    assert body["decided_by"] == {"kind": "rule", "rule": "grade_a", "reason": ex.rule.reason,
                                  "basis": "本机关确定的社会组织信用评价标准"}  # fmt: skip
    assert ex.rule.basis == "R5.4(a)"  # the model keeps the item; departments read what it rests on
    assert body["model"]["version"] == STATUS_MODEL


def test_a_new_record_changes_the_answer_at_once(client, org, reader):
    before = get(client, f"/organizations/{org.code}/credit", reader).json()
    assert before["score"] == 75 and before["breakdown"] == [] and before["stored"] is None
    record(org, "penalty_fine", ago=5, amount="60000")
    after = get(client, f"/organizations/{org.code}/credit", reader).json()
    assert after["score"] == 55 and after["level"] == "C"
    assert [(b["indicator"], b["points"]) for b in after["breakdown"]] == [("penalty_fine", -20)]
    assert after["stored"]["score"] == 55


def test_as_of_before_a_record_leaves_it_out(client, org, reader):
    record(org, ago=10)
    path = f"/organizations/{org.code}/credit"
    assert get(client, path, reader, as_of=days_ago(10).isoformat()).json()["score"] == 70
    earlier = get(client, path, reader, as_of=days_ago(11).isoformat()).json()
    assert earlier["score"] == 75 and earlier["breakdown"] == []
    assert earlier["as_of"] == days_ago(11).isoformat()
    assert answered(earlier) == expected(services.explain_organization(org, as_of=days_ago(11)))


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        ({"as_of": "2099-01-01"}, "as_of", "不能评价未来"),
        ({"as_of": "1999-12-31"}, "as_of", "早于 2000-01-01"),
        ({"as_of": "2024-13-40"}, "as_of", "YYYY-MM-DD"),
        ({"as_of": "yesterday"}, "as_of", "YYYY-MM-DD"),
        ({"model": "no-such-model"}, "model", "reference-2026.1"),
    ],
)
def test_bad_input_is_422_naming_the_field(client, org, reader, params, field, fragment):
    response = get(client, f"/organizations/{org.code}/credit", reader, **params)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == "输入有误" and list(body["errors"]) == [field]
    assert fragment in body["errors"][field][0]


def test_unknown_model_message_lists_the_installed_ones(client, org, reader):
    message = get(client, f"/organizations/{org.code}/credit", reader, model="x").json()["errors"]["model"][0]
    assert all(m.version in message for m in available_models())


# --- Access -------------------------------------------------------------------------------------


def test_anonymous_is_401(client, org):
    assert get(client, f"/organizations/{org.code}/credit").status_code == 401
    assert post(client, "/credit/batch", {"codes": [org.code]}).status_code == 401
    assert get(client, "/credit/models").status_code == 401
    assert get(client, f"/organizations/{org.code}/credit/history").status_code == 401


def test_token_without_credit_read_is_403(client, org, civil_affairs):
    _, raw = factories.token(["organizations:read", "records:read"], civil_affairs)
    for response in (
        get(client, f"/organizations/{org.code}/credit", raw),
        post(client, "/credit/batch", {"codes": [org.code]}, raw),
        get(client, "/credit/models", raw),
        get(client, f"/credit/models/{default_version()}", raw),
        get(client, f"/organizations/{org.code}/credit/history", raw),
    ):
        assert response.status_code == 403 and "credit:read" in response.json()["detail"]


def test_out_of_region_organization_is_404_for_another_regions_token(client, org):
    xinzheng = factories.department("xz-mzj", "新郑市民政局", "410184")
    _, raw = factories.token(["credit:read"], xinzheng)
    for path in (f"/organizations/{org.code}/credit", f"/organizations/{org.code}/credit/history"):
        response = get(client, path, raw)
        assert response.status_code == 404 and response.json() == {"detail": "Not found"}
    missing = get(client, "/organizations/51410105MJ0000000X/credit", raw)
    assert missing.status_code == 404 and missing.json() == {"detail": "Not found"}


def test_staff_sessions_need_no_scope_but_stay_in_their_region(org, personas, login):
    c = login(personas["viewer_jinshui"])
    assert get(c, f"/organizations/{org.code}/credit").status_code == 200
    assert get(c, "/credit/models").status_code == 200
    assert post(c, "/credit/batch", {"codes": [org.code]}).status_code == 200
    c = login(personas["staff_xinzheng"])
    assert get(c, f"/organizations/{org.code}/credit").status_code == 404


# --- Batch --------------------------------------------------------------------------------------


def test_batch_equals_single(client, org, xinzheng_org, reader):
    third = factories.organization(region_code="410105")
    record(org, ago=3)
    record(org, "commendation_provincial", ago=20)
    record(xinzheng_org, "grade_4a", ago=100)
    as_of = days_ago(1).isoformat()
    for model in (None, STATUS_MODEL):
        body = {"codes": [org.code, xinzheng_org.code, third.code], "as_of": as_of}
        if model:
            body["model"] = model
        response = post(client, "/credit/batch", body, reader)
        assert response.status_code == 200, response.content
        batch = response.json()
        assert batch["errors"] == [] and batch["as_of"] == as_of
        assert batch["model"]["version"] == (model or default_version())
        assert [r["index"] for r in batch["results"]] == [0, 1, 2]
        for result, o in zip(batch["results"], (org, xinzheng_org, third), strict=True):
            single = get(client, f"/organizations/{o.code}/credit", reader, as_of=as_of,
                          **({"model": model} if model else {})).json()  # fmt: skip
            drop = {"model", "as_of", "base", "stored"}
            assert {k: v for k, v in single.items() if k not in drop} == {
                k: v for k, v in result.items() if k != "index"
            }
            assert single["score"] == services.explain_organization(o, as_of=days_ago(1),
                                                                     model_version=model).score  # fmt: skip


def test_batch_reports_unknown_and_out_of_scope_codes_alike(client, org, xinzheng_org):
    jinshui = factories.department("js-mzj", "金水区民政局", "410105")
    _, raw = factories.token(["credit:read"], jinshui)
    codes = [org.code, "51410105MJ0000000X", xinzheng_org.code, f" {org.code.lower()} ", "", org.code]
    body = post(client, "/credit/batch", {"codes": codes}, raw).json()
    assert body["errors"] == [
        {"index": 1, "code": "51410105MJ0000000X", "message": NOT_FOUND},
        {"index": 2, "code": xinzheng_org.code, "message": NOT_FOUND},
        {"index": 4, "code": "", "message": NOT_FOUND},
    ]
    # duplicated codes (also differently written) are reported once per occurrence
    assert [(r["index"], r["code"]) for r in body["results"]] == [(0, org.code), (3, org.code), (5, org.code)]
    assert body["results"][0] | {"index": 3} == body["results"][1]


def test_batch_evaluates_found_organizations_in_one_call(client, org, xinzheng_org, reader, monkeypatch):
    calls = []
    real = services._evaluate_orgs

    def spy(ids, *args, **kwargs):
        calls.append(sorted(ids))
        return real(ids, *args, **kwargs)

    monkeypatch.setattr(services, "_evaluate_orgs", spy)
    codes = [org.code, xinzheng_org.code, org.code, "nope"]
    assert post(client, "/credit/batch", {"codes": codes}, reader).status_code == 200
    assert calls == [sorted([org.pk, xinzheng_org.pk])]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"codes": []}, "codes"),
        ({"codes": ["X"] * 501}, "codes"),
        ({}, "codes"),
        ({"codes": "X"}, "codes"),
        ({"codes": ["X"], "as_of": "2099-01-01"}, "as_of"),
        ({"codes": ["X"], "as_of": "1999-01-01"}, "as_of"),
        ({"codes": ["X"], "as_of": "01/02/2024"}, "as_of"),
        ({"codes": ["X"], "model": "nope"}, "model"),
    ],
)
def test_batch_bad_input_is_422(client, reader, body, field):
    response = post(client, "/credit/batch", body, reader)
    assert response.status_code == 422, response.content
    assert response.json()["detail"] == "输入有误" and field in response.json()["errors"]


def test_batch_of_500_is_accepted(client, org, reader):
    body = post(client, "/credit/batch", {"codes": [org.code] * 500}, reader).json()
    assert len(body["results"]) == 500 and body["errors"] == []


# --- Models -------------------------------------------------------------------------------------


def test_models_list_marks_the_default(client, reader):
    body = get(client, "/credit/models", reader).json()
    versions = [m["version"] for m in body]
    assert versions == [m.version for m in available_models()] and STATUS_MODEL in versions
    assert [m["version"] for m in body if m["default"]] == [default_version()]
    assert all(m["title"] and m["effective_from"] for m in body)


def test_model_detail(client, reader):
    body = get(client, "/credit/models/reference-2026.1", reader).json()
    assert body["base"] == 75 and [lv["code"] for lv in body["levels"]] == ["A", "B", "C", "D"]
    assert body["levels"][0] == {"code": "A", "name": "诚信", "min_score": 85}
    assert {"id": "penalty", "name": "行政处罚与其他不良信息"} in body["groups"]
    fine = next(i for i in body["indicators"] if i["id"] == "penalty_fine")
    assert fine["amount_steps"] == [{"at_least": 50000.0, "points": -20}] and fine["cap"] == 30
    assert fine["by_class"]["serious"] == -20 and fine["kinds"] == ["penalty_fine", "penalty_confiscation"]
    rules = {r["id"]: r for r in body["level_rules"]}
    assert rules["serious_list"]["effect"] == "set" and rules["serious_list"]["level"] == "D"
    assert rules["serious_list"]["on_list"] == "serious"
    assert rules["grade_a"]["without_negative"] and rules["grade_a"]["kinds"] == ["grade_5a", "grade_4a"]
    missing = get(client, "/credit/models/nope", reader)
    assert missing.status_code == 404 and "reference-2026.1" in missing.json()["detail"]


# --- History ------------------------------------------------------------------------------------


def test_history_lists_level_changes_newest_first(client, org, reader):
    record(org, ago=10)  # 70 B (first evaluation)
    record(org, ago=9)  # 65 C
    record(org, ago=8)  # 60 C: no change
    response = get(client, f"/organizations/{org.code}/credit/history", reader)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2 == LevelChange.objects.filter(organization=org).count()
    assert [(c["from_level"], c["to_level"], c["from_score"], c["to_score"]) for c in body["items"]] == [
        ("B", "C", 70, 65),
        ("", "B", None, 70),
    ]
    assert body["items"][0]["cause"] == "score" and body["items"][0]["model_version"] == default_version()
    page = get(client, f"/organizations/{org.code}/credit/history", reader, page=2, page_size=1).json()
    assert [c["to_level"] for c in page["items"]] == ["B"]


def test_a_code_with_a_nul_character_is_answered_not_found_in_a_batch(client, reader, org):
    """Found by the API fuzzing on PostgreSQL, which refuses a NUL character in any text it compares:
    the batch answers the other codes and names the bad one, as for an unknown code."""
    response = post(client, "/credit/batch", {"codes": [org.code, "51410105MJ\x000000X"]}, reader)
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["code"] for r in body["results"]] == [org.code]
    assert body["errors"] == [{"index": 1, "code": "51410105MJ\x000000X", "message": NOT_FOUND}]


def test_a_nul_character_in_a_query_parameter_is_a_field_error(client, reader, org):
    response = get(client, "/organizations", reader, q="协会\x00")
    assert response.status_code == 422, response.content
    assert "NUL" in response.json()["errors"]["q"][0]


def test_a_nul_character_in_a_path_is_not_a_server_error(client, reader, org):
    """PostgreSQL refuses the comparison (the database error is answered as the caller's input);
    SQLite compares it and finds nothing."""
    response = get(client, "/organizations/51410105MJ%000000X/credit", reader)
    assert response.status_code in {404, 422}, response.content
