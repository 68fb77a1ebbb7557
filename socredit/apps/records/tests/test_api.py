"""Records API: push one or a batch (idempotent), list with visibility, revoke and correct by department."""

import json

import pytest
from django.db import OperationalError

from socredit.apps.records import services
from socredit.apps.records.models import CreditRecord
from socredit.core.types import RecordSource, RecordStatus, Visibility
from socredit.testing import factories

pytestmark = pytest.mark.django_db

API = "/api/v1"


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}


def get(client, path, raw=None, **params):
    return client.get(API + path, params, **bearer(raw))


def post(client, path, body, raw=None):
    return client.post(API + path, json.dumps(body), content_type="application/json", **bearer(raw))


@pytest.fixture
def org(personas):
    return factories.organization(region_code="410105", name="金水区养老服务协会")


@pytest.fixture
def xinzheng_org(personas):
    return factories.organization(region_code="410184", name="新郑市红枣产业协会")


@pytest.fixture
def tax(db):
    return factories.department("zz-tax", "郑州市税务局", "410100")


@pytest.fixture
def writer(civil_affairs):
    return factories.token(["records:read", "records:write"], civil_affairs)[1]


def item(org, n=1, **extra):
    return {"organization": org.code, "kind": "penalty_warning", "occurred_on": "2024-05-10",
            "document_number": f"郑民罚〔2024〕{n}号", **extra}  # fmt: skip


# --- Push one -----------------------------------------------------------------------------------


def test_push_without_token_is_401(client, org):
    assert post(client, "/records", item(org)).status_code == 401


def test_push_needs_write_scope(client, org, civil_affairs):
    _, raw = factories.token(["records:read"], civil_affairs)
    response = post(client, "/records", item(org), raw)
    assert response.status_code == 403 and "records:write" in response.json()["detail"]


def test_token_pushes_as_its_own_department(client, org, writer, civil_affairs):
    response = post(client, "/records", item(org, summary="<b>未按期整改</b>"), writer)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["department"] == civil_affairs.code and body["source"] == RecordSource.API.value
    assert body["summary"] == "<b>未按期整改</b>"
    assert body["kind"] == "penalty_warning" and body["category_label"] == "行政处罚信息"
    assert [h["to_status"] for h in body["history"]] == [RecordStatus.EFFECTIVE.value]
    assert body["history"][0]["actor"].startswith("token:")


def test_token_cannot_push_for_another_department(client, org, writer, tax):
    response = post(client, "/records", item(org, department=tax.code), writer)
    assert response.status_code == 422 and "department" in response.json()["errors"]


def test_push_field_errors(client, org, writer):
    response = post(
        client, "/records", item(org, kind="no_such_kind", occurred_on="2010-01-01", amount="-5"), writer
    )
    assert response.status_code == 422
    assert {"kind", "amount"} <= set(response.json()["errors"])
    assert not CreditRecord.objects.exists()


def test_push_outside_region_reads_as_unknown_organization(client, xinzheng_org):
    _, raw = factories.token(["records:write"], factories.department("js-mzj", "金水区民政局", "410105"))
    response = post(client, "/records", item(xinzheng_org), raw)
    assert response.status_code == 422 and "organization" in response.json()["errors"]


def test_staff_session_must_name_the_department(org, personas, login, civil_affairs):
    c = login(personas["staff_jinshui"])
    response = post(c, "/records", item(org))
    assert response.status_code == 422 and "department" in response.json()["errors"]
    assert post(c, "/records", item(org, department=civil_affairs.code)).status_code == 201
    assert (
        post(
            login(personas["viewer_jinshui"]), "/records", item(org, 2, department=civil_affairs.code)
        ).status_code
        == 403
    )


def test_wrong_json_types_use_the_field_error_shape(client, org, writer):
    response = post(
        client,
        "/records",
        {"kind": "penalty_warning", "occurred_on": "2024-05-10", "persons": {"a": 1}},
        writer,
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["organization"] == ["不能为空"] and "persons" in errors


# --- Batch --------------------------------------------------------------------------------------


def test_batch_writes_valid_items_and_reports_invalid_by_index(client, org, writer):
    batch = {"items": [item(org, 1), item(org, 2, kind="nope"), item(org, 3, external_id="X-3"),
                       item(org, 4, occurred_on="2099-01-01")]}  # fmt: skip
    body = post(client, "/records/batch", batch, writer).json()
    assert len(body["created"]) == 2 and body["duplicates"] == []
    assert [e["index"] for e in body["errors"]] == [1, 3]
    assert "kind" in body["errors"][0]["errors"] and "occurred_on" in body["errors"][1]["errors"]
    assert CreditRecord.objects.count() == 2


def test_batch_repost_creates_no_duplicates(client, org, writer):
    batch = {"items": [item(org, 1), item(org, 2, external_id="X-2")]}
    first = post(client, "/records/batch", batch, writer).json()
    again = post(client, "/records/batch", batch, writer).json()
    assert again["created"] == [] and again["errors"] == []
    assert again["duplicates"] == [
        {"index": 0, "id": first["created"][0]},
        {"index": 1, "id": first["created"][1]},
    ]
    assert CreditRecord.objects.count() == 2


def test_batch_same_key_different_content_is_an_error(client, org, writer):
    post(client, "/records/batch", {"items": [item(org, 1)]}, writer)
    body = post(client, "/records/batch", {"items": [item(org, 1, amount="100"), item(org, 5), item(org, 5)]},
                writer).json()  # fmt: skip
    assert body["errors"][0]["index"] == 0 and "document_number" in body["errors"][0]["errors"]
    assert len(body["created"]) == 1 and body["duplicates"] == [{"index": 2, "id": body["created"][0]}]


def test_batch_limit_is_1000(client, org, writer):
    response = post(client, "/records/batch", {"items": [item(org, i) for i in range(1001)]}, writer)
    assert response.status_code == 422 and "items" in response.json()["errors"]


# --- Read ---------------------------------------------------------------------------------------


def test_list_is_paginated_filtered_and_hides_internal_records_from_tokens(client, org, civil_affairs, personas,
                                                                            login):  # fmt: skip
    dept = civil_affairs.code
    factories.record(org, "penalty_warning", department=dept)
    factories.record(org, "penalty_fine", department=dept, amount="500")
    factories.record(org, "annual_report_on_time", department=dept, occurred_on="2024-03-01")
    factories.record(org, "penalty_warning", department=dept, visibility=Visibility.INTERNAL.value)
    _, raw = factories.token(["records:read"], civil_affairs)
    url = f"/organizations/{org.code}/records"
    page = get(client, url, raw, page_size=2, count="true").json()
    assert (page["count"], len(page["items"]), page["page_size"]) == (3, 2, 2)
    assert get(client, url, raw, category="penalty").json()["count"] == 2
    assert get(client, url, raw, kind="penalty_fine").json()["items"][0]["amount"] == "500.00"
    assert get(client, url, raw, status=RecordStatus.REVOKED.value).json()["count"] == 0
    assert get(login(personas["staff_jinshui"]), url).json()["count"] == 4  # staff see internal records too


def test_token_needs_records_read(client, org, civil_affairs):
    _, raw = factories.token(["records:write"], civil_affairs)
    assert get(client, f"/organizations/{org.code}/records", raw).status_code == 403


def test_records_of_an_organization_outside_the_region_are_404(client, xinzheng_org, civil_affairs):
    rec = factories.record(xinzheng_org, department=civil_affairs.code)
    _, raw = factories.token(["records:read"], factories.department("js-mzj", "金水区民政局", "410105"))
    assert get(client, f"/organizations/{xinzheng_org.code}/records", raw).status_code == 404
    assert get(client, f"/records/{rec.pk}", raw).status_code == 404
    _, city = factories.token(["records:read"], civil_affairs)
    assert get(client, f"/records/{rec.pk}", city).status_code == 200


def test_internal_record_detail_is_404_for_tokens(client, org, civil_affairs):
    rec = factories.record(org, department=civil_affairs.code, visibility=Visibility.INTERNAL.value)
    _, raw = factories.token(["records:read"], civil_affairs)
    assert get(client, f"/records/{rec.pk}", raw).status_code == 404


def test_record_persons_are_masked_without_pii(client, org, civil_affairs):
    who = factories.person()
    rec = factories.record(org, department=civil_affairs.code, persons=[who.id_number])
    _, masked = factories.token(["records:read", "persons:read"], civil_affairs)
    _, pii = factories.token(["records:read", "persons:read", "persons:pii"], civil_affairs)
    assert "*" in get(client, f"/records/{rec.pk}", masked).json()["persons"][0]["id_number"]
    assert get(client, f"/records/{rec.pk}", pii).json()["persons"][0]["id_number"] == who.id_number


def test_record_kinds_catalogue(client, civil_affairs):
    _, raw = factories.token([], civil_affairs)
    body = get(client, "/record-kinds", raw, page_size=500).json()
    kinds = {k["code"]: k for k in body["items"]}
    assert body["count"] == len(kinds) and kinds["penalty_warning"]["category_label"] == "行政处罚信息"


# --- Revoke and correct -------------------------------------------------------------------------


def test_revoke_own_record(client, org, writer, civil_affairs):
    rec = factories.record(org, department=civil_affairs.code)
    response = post(client, f"/records/{rec.pk}/revoke", {"reason": "处罚决定被复议撤销"}, writer)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == RecordStatus.REVOKED.value
    assert response.json()["history"][-1]["reason"] == "处罚决定被复议撤销"
    again = post(client, f"/records/{rec.pk}/revoke", {"reason": "again"}, writer)
    assert again.status_code == 422 and "__all__" in again.json()["errors"]


def test_revoke_needs_a_reason(client, org, writer, civil_affairs):
    rec = factories.record(org, department=civil_affairs.code)
    response = post(client, f"/records/{rec.pk}/revoke", {"reason": "  "}, writer)
    assert response.status_code == 422 and "reason" in response.json()["errors"]


def test_token_cannot_revoke_or_correct_another_departments_record(client, org, tax, civil_affairs):
    rec = factories.record(org, department=civil_affairs.code)
    _, raw = factories.token(["records:read", "records:write"], tax)
    assert post(client, f"/records/{rec.pk}/revoke", {"reason": "x"}, raw).status_code == 403
    response = post(client, f"/records/{rec.pk}/correct", {"reason": "x", "changes": {"summary": "y"}}, raw)
    assert response.status_code == 403
    rec.refresh_from_db()
    assert rec.status == RecordStatus.EFFECTIVE.value


def test_correct_supersedes_the_record(client, org, writer, civil_affairs):
    rec = factories.record(org, "penalty_fine", department=civil_affairs.code, amount="3000")
    response = post(client, f"/records/{rec.pk}/correct", {"reason": "金额录入错误", "changes": {"amount": "30000"}},
                    writer)  # fmt: skip
    assert response.status_code == 201, response.content
    new = response.json()
    assert new["amount"] == "30000.00" and new["supersedes"] == rec.pk and new["id"] != rec.pk
    old = get(client, f"/records/{rec.pk}", writer).json()
    assert old["status"] == RecordStatus.CORRECTED.value and old["superseded_by"] == new["id"]
    assert old["history"][-1]["reason"] == "金额录入错误"
    listed = get(client, f"/organizations/{org.code}/records", writer).json()["items"]
    assert [r["id"] for r in listed] == [new["id"]]


def test_correct_with_bad_value_is_a_field_error(client, org, writer, civil_affairs):
    rec = factories.record(org, department=civil_affairs.code)
    response = post(client, f"/records/{rec.pk}/correct", {"reason": "x", "changes": {"occurred_on": "2099-01-01"}},
                    writer)  # fmt: skip
    assert response.status_code == 422 and "occurred_on" in response.json()["errors"]


def test_staff_may_revoke_any_record_in_region(org, personas, login, civil_affairs):
    rec = factories.record(org, department=civil_affairs.code)
    response = post(login(personas["staff_jinshui"]), f"/records/{rec.pk}/revoke", {"reason": "登记错误"})
    assert response.status_code == 200
    assert (
        post(login(personas["viewer_jinshui"]), f"/records/{rec.pk}/revoke", {"reason": "x"}).status_code
        == 403
    )


def test_a_correction_keeps_the_persons_already_on_the_record(client, org, writer, civil_affairs):
    """A person named on the record (national data entry) who holds no post in the writer's scope
    stays on the corrected version; naming a new one outside the scope is refused like an unknown one."""
    who = factories.person("记录已列人员", region_code="410105")  # no post anywhere
    rec = factories.record(
        org, "penalty_fine", department=civil_affairs.code, amount="3000", persons=[who.id_number]
    )
    response = post(client, f"/records/{rec.pk}/correct", {"reason": "金额录入错误", "changes": {"amount": "30000"}},
                    writer)  # fmt: skip
    assert response.status_code == 201, response.content
    assert CreditRecord.objects.get(pk=response.json()["id"]).persons.get() == who
    other = factories.person("另一人员", region_code="410105")
    response = post(client, f"/records/{response.json()['id']}/correct",
                    {"reason": "增列人员", "changes": {"persons": [who.id_number, other.id_number]}}, writer)  # fmt: skip
    assert response.status_code == 422
    assert response.json()["errors"]["persons"] == [
        f"身份证号码 {other.id_number} 对应的人员未登记或不在本辖区"
    ]


def test_correcting_to_a_document_number_in_use_is_a_field_error(client, org, writer, civil_affairs):
    first = factories.record(org, department=civil_affairs.code, document_number="郑民罚〔2024〕1号")
    second = factories.record(org, department=civil_affairs.code, document_number="郑民罚〔2024〕2号")
    response = post(client, f"/records/{second.pk}/correct",
                    {"reason": "文书号录入错误", "changes": {"document_number": first.document_number}}, writer)  # fmt: skip
    assert response.status_code == 422, response.content
    assert list(response.json()["errors"]) == ["document_number"]
    assert "重复" in response.json()["errors"]["document_number"][0]
    second.refresh_from_db()
    assert second.is_current and second.status == RecordStatus.EFFECTIVE.value
    assert CreditRecord.objects.filter(organization=org).count() == 2


def test_correcting_to_an_external_id_in_use_is_a_field_error(client, org, writer, civil_affairs):
    factories.record(org, department=civil_affairs.code, external_id="EXT-1")
    second = factories.record(org, department=civil_affairs.code, external_id="EXT-2")
    response = post(client, f"/records/{second.pk}/correct",
                    {"reason": "编号录入错误", "changes": {"external_id": "EXT-1"}}, writer)  # fmt: skip
    assert response.status_code == 422 and list(response.json()["errors"]) == ["external_id"]


def test_correcting_other_fields_keeps_the_records_own_document_number(client, org, writer, civil_affairs):
    rec = factories.record(
        org, "penalty_fine", department=civil_affairs.code, external_id="EXT-9", amount="10"
    )
    response = post(client, f"/records/{rec.pk}/correct", {"reason": "金额录入错误", "changes": {"amount": "20"}},
                    writer)  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["document_number"] == rec.document_number


@pytest.mark.parametrize(
    "amount", ["1e26", "1e400", 1e300, 10**40, pytest.param("9" * 5000, id="5000-digits")]
)
def test_huge_amounts_are_a_field_error_naming_the_range(client, org, writer, amount):
    response = post(client, "/records", item(org, kind="penalty_fine", amount=amount), writer)
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert list(errors) == ["amount"]
    assert errors["amount"][0].startswith("金额") and "0 至 999,999,999,999.99 元" in errors["amount"][0]
    assert not CreditRecord.objects.filter(organization=org).exists()


def test_the_openapi_declares_the_lengths_of_the_model_fields(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    record = schemas["RecordIn"]["properties"]

    def max_length(prop):
        return prop.get("maxLength") or next(p["maxLength"] for p in prop["anyOf"] if "maxLength" in p)

    assert (max_length(record["document_number"]), max_length(record["summary"]),
            max_length(record["external_id"])) == (
        CreditRecord._meta.get_field("document_number").max_length,
        CreditRecord._meta.get_field("summary").max_length,
        CreditRecord._meta.get_field("external_id").max_length,
    )  # fmt: skip
    assert schemas["RecordBatchIn"]["properties"]["items"]["maxItems"] == services.BATCH_MAX
    assert schemas["ReasonIn"]["properties"]["reason"]["maxLength"] == 500


@pytest.mark.parametrize(
    ("field", "limit"), [("summary", 2000), ("document_number", 100), ("external_id", 100)]
)
def test_overlong_text_is_a_field_error_naming_the_limit(client, org, writer, field, limit):
    response = post(client, "/records", item(org, **{field: "长" * (limit + 1)}), writer)
    assert response.status_code == 422
    assert response.json()["errors"] == {field: [f"最多 {limit} 字"]}


@pytest.mark.parametrize("field", ["kind", "organization", "document_number", "summary", "persons"])
def test_a_nul_character_is_a_field_error_not_a_server_error(client, org, writer, field):
    """Found by the API fuzzing on PostgreSQL, which refuses NUL in any text it compares or stores."""
    body = item(org)
    if field == "persons":
        body[field] = ["11010519491231002X\x00"]
    else:  # in place of the last character: the value keeps its length (the code has exactly 18)
        body[field] = str(body.get(field) or "xx")[:-1] + "\x00"
    response = post(client, "/records", body, writer)
    assert response.status_code == 422, response.content
    assert "NUL" in response.json()["errors"][field][0]
    response = post(client, "/records/batch", {"items": [body]}, writer)  # per-item errors, as always
    assert response.status_code == 200, response.content
    assert "NUL" in response.json()["errors"][0]["errors"][field][0]
    assert not CreditRecord.objects.filter(organization=org).exists()


# --- A busy database ----------------------------------------------------------------------------


class _Deadlock(Exception):
    sqlstate = "40P01"  # as psycopg's DeadlockDetected carries it


def _deadlocked():
    try:
        raise _Deadlock("deadlock detected")
    except _Deadlock as cause:
        raise OperationalError("deadlock detected") from cause


def _locked():
    raise OperationalError("database is locked")  # SQLite, after its busy timeout


@pytest.mark.parametrize("failure", [_locked, _deadlocked])
def test_a_busy_database_is_a_503_to_retry_with_nothing_written(client, org, writer, monkeypatch, failure):
    """SQLite still locked after its busy timeout, or PostgreSQL's deadlock victim: the write was
    rolled back; the caller is told to send it again (503, Retry-After), not given a 500."""

    def busy(**kwargs):
        failure()

    monkeypatch.setattr(services, "create_record", busy)
    response = post(client, "/records", item(org), writer)
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert "请稍后重试" in response.json()["detail"] and "没有写入" in response.json()["detail"]
    assert not CreditRecord.objects.exists()


def test_another_database_error_stays_a_server_error(client, org, writer, monkeypatch):
    def broken(**kwargs):
        raise OperationalError("no such table: records_creditrecord")

    monkeypatch.setattr(services, "create_record", broken)
    with pytest.raises(OperationalError):
        post(client, "/records", item(org), writer)
