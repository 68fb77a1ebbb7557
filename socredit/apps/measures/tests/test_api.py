"""The departments' API: checks with their log, feedback, domain blacklists, the catalogue."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from socredit.apps.audit.models import AuditEvent
from socredit.apps.lists.tests.conftest import ago
from socredit.apps.measures.models import CreditCheck, DomainListing
from socredit.apps.measures.services import MAX_SUBJECTS
from socredit.apps.measures.tests.conftest import bearer
from socredit.core.codes import make_id_number, make_social_org_code
from socredit.core.types import OrgType
from socredit.testing import factories

pytestmark = pytest.mark.django_db
URL = "/api/v1/checks"


def post(client, raw, body, url=URL):
    return client.post(url, body, content_type="application/json", **bearer(raw))


def codes_of(result):
    return [m["code"] for m in result["measures"]]


def test_a_check_answers_each_organization_with_its_measures_mandatory_first_and_is_logged(
    client, finance_token, clean_org, serious_org
):
    _token, raw = finance_token
    bad = "not-a-code"
    elsewhere = factories.organization("410184")  # 新郑市: outside nothing for a city token — inside
    unknown = make_social_org_code("410105", OrgType.ASSOCIATION, 777_001)
    body = {
        "scenario": "financial_subsidy",
        "codes": [clean_org.code, serious_org.code, bad, unknown, elsewhere.code],
    }
    response = post(client, raw, body)
    assert response.status_code == 200, response.content
    data = response.json()
    clean, serious, malformed, missing, other = data["results"]
    assert (clean["name"], clean["measures"], clean["lists"]) == (clean_org.name, [], [])
    assert clean["clean_years"] == 2  # registered 2024-03-01
    assert serious["level"] == "D"
    assert [x["list"] for x in serious["lists"]] == ["serious"]
    assert codes_of(serious) == ["P-SERIOUS-NO-PUBLIC-FUNDS", "P-SERIOUS-NO-FUNDING"]
    assert [m["force"] for m in serious["measures"]] == ["mandatory", "recommended"]
    assert serious["domains_count"] == 1 and serious["clean_years"] == 0
    # each measure with its basis, by title and number, never an internal item code
    basis = data["measures"]["P-SERIOUS-NO-FUNDING"]["basis"]
    assert basis == ["《社会组织信用信息管理办法》（民政部令第60号）"]
    assert "R1.15" not in response.content.decode()
    assert "18位" in malformed["error"]
    assert "No organization" in missing["error"] or "未找到" in missing["error"] or "辖区" in missing["error"]
    assert other["name"] == elsewhere.name  # the city's token sees 新郑市
    # logged: number, who, scenario, counts, digest; retrievable as it was answered
    check = CreditCheck.objects.get(number=data["number"])
    assert (check.department.name, check.scenario, check.subjects_count, check.answered_count) == (
        "郑州市财政局",
        "financial_subsidy",
        5,
        3,
    )
    assert (check.pairs_count, check.mandatory_count) == (2, 1)
    assert check.digest == data["digest"]
    again = client.get(f"{URL}/{data['number']}", **bearer(raw))
    assert again.status_code == 200
    assert again.json() == data
    assert AuditEvent.objects.filter(action="measures.check_made", target_id=str(check.pk)).exists()


def test_a_district_token_does_not_see_another_districts_organization(client, civil_affairs, serious_org):
    dept = factories.department("xz-czj", "新郑市财政局", "410184")
    _t, raw = factories.token(["checks:write"], dept)
    [result] = post(client, raw, {"scenario": "honours", "codes": [serious_org.code]}).json()["results"]
    assert "error" in result and result.get("measures", []) == []


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"scenario": "parking", "codes": ["x"]}, "scenario", "parking"),
        ({"scenario": "honours"}, "codes", ""),
        ({"scenario": "honours", "codes": ["x"] * (MAX_SUBJECTS + 1)}, "codes", str(MAX_SUBJECTS)),
        ({"scenario": "honours", "codes": ["x"], "as_of": "2999-01-01"}, "as_of", ""),
        ({"scenario": "honours", "codes": ["x"], "as_of": "2010-01-01"}, "as_of", "2010-01-01"),
    ],
)
def test_bad_checks_are_clear_422s_and_log_nothing(client, finance_token, body, field, words):
    _t, raw = finance_token
    response = post(client, raw, body)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert words in " ".join(response.json()["errors"][field])
    assert not CreditCheck.objects.exists()


def test_a_check_needs_its_scope(client, court_token, clean_org):
    _t, raw = court_token
    assert post(client, raw, {"scenario": "honours", "codes": [clean_org.code]}).status_code == 403


def test_a_check_of_a_past_day_reads_the_status_then(client, finance_token, serious_org):
    _t, raw = finance_token
    [before] = post(
        client, raw, {"scenario": "honours", "codes": [serious_org.code], "as_of": ago(6).isoformat()}
    ).json()["results"]
    [after] = post(
        client, raw, {"scenario": "honours", "codes": [serious_org.code], "as_of": ago(5).isoformat()}
    ).json()["results"]
    assert before["lists"] == [] and codes_of(before) == []
    assert codes_of(after) == ["P-SERIOUS-NO-HONOURS"]


def test_persons_are_checked_by_id_number_and_never_echoed_whole(client, finance_token, serious_rep):
    _t, raw = finance_token
    stranger = make_id_number("410105", dt.date(1990, 1, 1), 5)
    body = {"scenario": "registration", "id_numbers": [serious_rep.id_number, stranger, "41010519900101123"]}
    response = post(client, raw, body)
    listed, clean, malformed = response.json()["results"]
    assert codes_of(listed) == ["P-SERIOUS-SECTOR-BAN"]
    assert listed["listings"][0]["post"] == "legal_rep"
    assert (clean["measures"], clean["n"]) == ([], 1)
    assert "18位" in malformed["error"]
    text = response.content.decode()
    assert serious_rep.id_number not in text and stranger not in text
    stored = CreditCheck.objects.get().subjects
    assert serious_rep.id_number.encode() not in bytes(stored)


def test_domain_blacklists_are_pushed_idempotently_and_two_domains_escalate(
    client, court_token, tax_token, finance_token, clean_org
):
    _c, court = court_token
    _t, tax = tax_token
    person = make_id_number("410105", dt.date(1991, 2, 2), 7)
    items = [
        {
            "subject_kind": "organization",
            "code": clean_org.code,
            "name": clean_org.name,
            "entered_on": "2026-01-05",
            "document_number": "（2025）豫01执123号",
            "source": "中国执行信息公开网",
        },
        {
            "subject_kind": "person",
            "id_number": person,
            "name": "王某",
            "entered_on": "2026-01-05",
            "document_number": "（2025）豫01执124号",
        },
        {
            "subject_kind": "organization",
            "code": "bad",
            "name": "",
            "entered_on": "2026-01-05",
            "document_number": "x",
        },
    ]
    first = post(client, court, {"items": items}, "/api/v1/blacklists").json()
    assert (first["domain"], first["created"], first["refused"]) == ("court", 2, 1)
    assert {e["field"] for e in first["errors"]} == {"code", "name"}
    assert {e["index"] for e in first["errors"]} == {2}
    again = post(client, court, {"items": items[:2]}, "/api/v1/blacklists").json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert DomainListing.objects.count() == 2
    # one domain: no escalation; a second domain (tax) holds the organization: escalation applies
    check = {"scenario": "government_purchase", "codes": [clean_org.code]}
    [one] = post(client, finance_token[1], check).json()["results"]
    assert one["domains_count"] == 1 and codes_of(one) == []
    post(client, tax, {"items": [{**items[0], "document_number": "郑税稽〔2026〕3号"}]}, "/api/v1/blacklists")
    [two] = post(client, finance_token[1], check).json()["results"]
    assert two["domains_count"] == 2
    assert codes_of(two) == ["P-MULTI-DOMAIN-ESCALATION"]
    assert [d["list_name"] for d in two["domains"]][0] in (
        "失信被执行人名单",
        "List of dishonest judgment debtors",
    )
    # an exit date ends the listing: updated, not added
    post(
        client,
        tax,
        {"items": [{**items[0], "document_number": "郑税稽〔2026〕3号", "left_on": "2026-02-01"}]},
        "/api/v1/blacklists",
    )
    assert DomainListing.objects.count() == 3
    [after] = post(client, finance_token[1], check).json()["results"]
    assert after["domains_count"] == 1


def test_a_civil_affairs_token_pushes_no_domain_blacklist(client, civil_affairs, clean_org):
    _t, raw = factories.token(["blacklists:write"])
    item = {
        "subject_kind": "organization",
        "code": clean_org.code,
        "name": "x",
        "entered_on": "2026-01-05",
        "document_number": "x",
    }
    response = post(client, raw, {"items": [item]}, "/api/v1/blacklists")
    assert response.status_code == 422 and not DomainListing.objects.exists()


def test_feedback_only_from_the_department_that_checked_and_completeness(
    client, finance_token, tax_token, serious_org, today_is
):
    _f, raw = finance_token
    data = post(client, raw, {"scenario": "financial_subsidy", "codes": [serious_org.code]}).json()
    number = data["number"]
    url = f"{URL}/{number}/feedback"
    # another department: the check does not exist for it
    assert (
        post(
            client,
            tax_token[1],
            {"items": [{"n": 0, "measure": "P-SERIOUS-NO-FUNDING", "outcome": "applied"}]},
            url,
        ).status_code
        == 404
    )
    assert (
        post(
            client, raw, {"items": [{"n": 3, "measure": "P-SERIOUS-NO-FUNDING", "outcome": "applied"}]}, url
        ).status_code
        == 422
    )
    refused = post(
        client, raw, {"items": [{"n": 0, "measure": "P-SERIOUS-NO-FUNDING", "outcome": "exempted"}]}, url
    )
    assert refused.status_code == 422 and "items[0]" in refused.json()["errors"]
    assert (
        post(
            client, raw, {"items": [{"n": 0, "measure": "R-GREEN-CHANNEL", "outcome": "applied"}]}, url
        ).status_code
        == 422
    )
    ok = post(
        client, raw, {"items": [{"n": 0, "measure": "P-SERIOUS-NO-FUNDING", "outcome": "applied"}]}, url
    ).json()
    assert (ok["feedback"], ok["measures"], ok["complete"]) == (1, 2, False)
    # after the deadline (10 working days) the check is listed as lacking feedback
    check = CreditCheck.objects.get(number=number)
    today_is(check.feedback_due + dt.timedelta(days=1))
    lacking = client.get(f"{URL}?lacking_feedback=true", **bearer(raw)).json()["items"]
    assert [c["number"] for c in lacking] == [number]
    done = post(
        client,
        raw,
        {
            "items": [
                {
                    "n": 0,
                    "measure": "P-SERIOUS-NO-PUBLIC-FUNDS",
                    "outcome": "not_applied",
                    "reason": "项目已于核查前立项",
                }
            ]
        },
        url,
    ).json()
    assert done["complete"] is True
    assert client.get(f"{URL}?lacking_feedback=true", **bearer(raw)).json()["items"] == []


def test_the_green_channel_of_a_xinzheng_organization_shows_in_a_licensing_check(
    client, finance_token, xinzheng_org
):
    _t, raw = finance_token
    [result] = post(client, raw, {"scenario": "licensing", "codes": [xinzheng_org.code]}).json()["results"]
    assert result["green_channel"] is True and result["clean_years"] >= 3
    assert codes_of(result) == ["R-GREEN-CHANNEL"]
    factories.record(xinzheng_org, "penalty_warning", occurred_on=ago(30), department="xz-mzj")
    [after] = post(client, raw, {"scenario": "licensing", "codes": [xinzheng_org.code]}).json()["results"]
    assert after["green_channel"] is False and after["clean_years"] == 0


def test_the_catalogue_in_force_is_served(client, finance_token):
    response = client.get("/api/v1/measures", **bearer(finance_token[1]))
    assert response.status_code == 200
    assert any(m["code"] == "R-GREEN-CHANNEL" for m in response.json())


def test_a_ban_from_the_bans_register_reaches_the_check(client, finance_token, personas):
    """A ban in force in the bans register (从业禁止、任职限制) is the person's ban in a check: its
    words, decision and period, and the measure it calls for; a person without one gets none."""
    from socredit.apps.bans import services as bans
    from socredit.common.clock import today

    person = factories.person("王禁核")
    start = today() - dt.timedelta(days=30)
    bans.record_ban(actor=personas["staff_jinshui"], channel="form", data={
        "name": person.name, "id_number": person.id_number, "ground": "other", "kind": "post_restriction",
        "ground_text": "对协会违法行为负有直接责任", "legal_basis": "《社会团体登记管理条例》第三十条",
        "scope": "不得担任社会团体负责人", "authority": "郑州市金水区民政局",
        "document_number": "金民禁〔2026〕7号", "decided_on": start, "start_on": start, "until": None,
    })  # fmt: skip
    _t, raw = finance_token
    other = make_id_number("410105", dt.date(1988, 8, 9), 13)
    banned, free = post(
        client, raw, {"scenario": "registration", "id_numbers": [person.id_number, other]}
    ).json()["results"]
    [ban] = banned["bans"]
    assert (ban["kind"], ban["document_number"], ban["start_on"], ban["until"]) == (
        "post_restriction", "金民禁〔2026〕7号", start.isoformat(), None)  # fmt: skip
    assert ban["scope"] == "不得担任社会团体负责人" and person.id_number not in json.dumps(banned)
    assert codes_of(banned) == ["P-PERSON-BAN-POST"] and codes_of(free) == [] and free["bans"] == []
