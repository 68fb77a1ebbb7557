"""Sensitive reads are audit events (docs/audit.md, "Sensitive reads"): a whole ID number shown on a
page, whole ID numbers in an API answer, a download of a non-public file. Each logs exactly one event
naming its reader and subject, and the chain still verifies; a masked page or answer, a refused or
out-of-region request logs nothing and shows nothing. Administrators review the reads of their region.

The world: 金水区 (410105) registers 李娜, legal representative of a 金水 organization and implicated in
one of its records; 洛阳市 (410300) registers 洛阳人员甲. 郑州市's administrator (city_admin) may see
whole numbers in 郑州; 新郑市's administrator may see them in 新郑 only.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from socredit.apps.accounts.models import StaffRole
from socredit.apps.audit.models import AuditEvent
from socredit.apps.audit.services import (
    API_ID_NUMBERS_READ,
    FILE_DOWNLOAD,
    ID_NUMBER_READ,
    SENSITIVE_READS,
    verify_chain,
)
from socredit.apps.cases.services import objections
from socredit.apps.imports.services import run_import
from socredit.apps.lists import services as lists
from socredit.apps.lists.models import ListProposal
from socredit.testing import factories

pytestmark = pytest.mark.django_db
API = "/api/v1"
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world(personas):
    org = factories.organization("410105", name="郑州市金水区查阅测试协会")
    li = factories.person("李娜")
    role = factories.role(org, li)
    record = factories.record(org, "penalty_warning", persons=[li.id_number])
    luoyang_org = factories.organization("410300", name="洛阳市查阅测试协会")
    far = factories.person("洛阳人员甲", region_code="410302")
    factories.role(luoyang_org, far)
    return {"org": org, "li": li, "role": role, "record": record, "far": far,
            "xz_admin": factories.staff("xz_admin", "410184", StaffRole.ADMIN)}  # fmt: skip


def reads(action: str = "") -> list[AuditEvent]:
    qs = AuditEvent.objects.filter(action__in=[action] if action else list(SENSITIVE_READS))
    return list(qs.order_by("id"))


def reveal(client: Client, person: Any, place: str = "person_page", key: Any = None, **extra: Any) -> Any:
    url = reverse("registry:person_id_number", args=[person.pk])
    data = {"shown_on": place, "key": str(key if key is not None else person.pk), **extra}
    return client.post(url, data, **HX)


# --- pages: masked for everyone, one number shown on request ----------------------------------------


def test_every_staff_page_masks_the_number_and_opening_them_records_nothing(world, personas, login):
    li = world["li"]  # (the serious list's persons page: lists/tests/test_pages_more.py)
    client = login(personas["city_admin"])
    pages = [reverse("registry:person_detail", args=[li.pk]),
             reverse("registry:organization_detail", args=[world["org"].code]),
             reverse("records:record_detail", args=[world["record"].pk])]  # fmt: skip
    for url in pages:
        html = client.get(url).content.decode()
        assert li.masked_id in html and li.id_number not in html, url
        assert "显示完整号码" in html and reverse("registry:person_id_number", args=[li.pk]) in html, url
    assert reads() == []


def test_showing_one_number_records_one_event_with_the_reader_the_person_and_the_page(world, personas, login):
    li, admin = world["li"], personas["city_admin"]
    response = reveal(login(admin), li, "organization_page", world["role"].pk)
    html = response.content.decode()
    assert response.status_code == 200 and li.id_number in html and "<html" not in html  # just the number
    assert f'id="idn-organization_page-{world["role"].pk}"' in html and "显示完整号码" not in html
    [event] = reads()
    assert (event.action, event.actor_id, event.channel) == (ID_NUMBER_READ, admin.pk, "form")
    assert (event.target_type, event.target_id) == ("registry.person", str(li.pk))
    assert event.data == {"shown_on": "organization_page", "scope": admin.region.path}
    assert "李娜" in event.summary and li.id_number not in event.summary and "组织页面" in event.summary
    assert verify_chain() is None
    reveal(login(admin), li)
    assert len(reads(ID_NUMBER_READ)) == 2 and verify_chain() is None  # each showing is one more event


def test_without_javascript_the_post_answers_a_page_with_the_number_and_a_way_back(world, personas, login):
    li, client = world["li"], login(personas["city_admin"])
    back = reverse("registry:organization_detail", args=[world["org"].code])
    url = reverse("registry:person_id_number", args=[li.pk])
    html = client.post(
        url, {"shown_on": "organization_page", "key": world["role"].pk, "next": back}
    ).content.decode()
    assert li.id_number in html and "<html" in html and "已记入操作留痕" in html
    assert f'href="{back}#idn-organization_page-{world["role"].pk}"' in html
    html = client.post(
        url, {"shown_on": "person_page", "key": li.pk, "next": "https://evil.example/"}
    ).content.decode()
    assert (
        "evil.example" not in html and f'href="{reverse("registry:person_detail", args=[li.pk])}#idn-' in html
    )
    assert len(reads(ID_NUMBER_READ)) == 2


@pytest.mark.parametrize("persona", ["staff_jinshui", "viewer_jinshui"])
def test_an_account_that_may_not_see_whole_numbers_is_refused_and_nothing_is_recorded(world, personas, login,
                                                                                      persona):  # fmt: skip
    response = reveal(login(personas[persona]), world["li"])
    assert response.status_code == 403 and world["li"].id_number not in response.content.decode()
    assert reads() == []


def test_a_person_of_another_region_is_not_found_and_nothing_is_recorded(world, personas, login):
    for user, person in ((personas["city_admin"], world["far"]), (world["xz_admin"], world["li"])):
        response = reveal(login(user), person)
        assert response.status_code == 404 and person.id_number not in response.content.decode()
    assert reads() == []


def test_a_bad_place_or_a_forged_post_shows_and_records_nothing(world, personas, login):
    li = world["li"]
    response = reveal(login(personas["city_admin"]), li, "elsewhere")
    assert response.status_code == 400 and "页面位置" in response.content.decode()
    assert reveal(login(personas["city_admin"]), li, key="<b>").status_code == 400
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(personas["city_admin"])
    response = reveal(forger, li)
    assert response.status_code == 403 and li.id_number not in response.content.decode()
    assert reads() == []


# --- the API: one event per answer that carries whole numbers -------------------------------------------


def api(client: Client, path: str, raw: str | None = None, **params: Any) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
    return client.get(API + path, params, **headers)


@pytest.fixture
def second(world):
    """A second 金水 person in the same organization: a list answer then names two persons."""
    zhang = factories.person("张伟", birth=dt.date(1990, 2, 3))
    factories.role(world["org"], zhang, kind="chair")
    return zhang


def test_an_answer_with_whole_numbers_records_one_event_naming_every_person(world, second, client):
    dept = factories.department("js-mzj", "金水区民政局", "410105")
    token, raw = factories.token(["persons:read", "persons:pii", "records:read"], dept)
    body = api(client, "/persons", raw).json()
    assert {p["id_number"] for p in body["items"]} == {world["li"].id_number, second.id_number}
    [event] = reads()
    assert (event.action, event.channel, event.actor_id) == (API_ID_NUMBERS_READ, "api", None)
    assert event.actor_label == token.get_username()
    assert event.data == {"operation": "GET /api/v1/persons", "persons": sorted([world["li"].pk, second.pk]),
                          "scope": dept.region.path}  # fmt: skip
    assert "张伟" in event.summary and "李娜" in event.summary and world["li"].id_number not in event.summary
    for path in (f"/persons/{world['li'].pk}", f"/organizations/{world['org'].code}/persons",
                 f"/records/{world['record'].pk}", f"/organizations/{world['org'].code}/records"):  # fmt: skip
        assert world["li"].id_number in api(client, path, raw).content.decode(), path
    events = reads()
    assert len(events) == 5 and [e.data["persons"] for e in events[1:]] == [
        [world["li"].pk],
        sorted([world["li"].pk, second.pk]),
        [world["li"].pk],
        [world["li"].pk],
    ]
    assert events[1].target_id == str(world["li"].pk) and events[2].target_id == ""
    assert verify_chain() is None


def test_masked_answers_and_refusals_record_nothing(world, second, client, personas, login):
    _, raw = factories.token(
        ["persons:read", "records:read"], factories.department("js-mzj", "金水区民政局", "410105")
    )
    for path in ("/persons", f"/persons/{world['li'].pk}", f"/records/{world['record'].pk}"):
        assert world["li"].id_number not in api(client, path, raw).content.decode()
    _, pii = factories.token(
        ["persons:read", "persons:pii"], factories.department("xz-mzj", "新郑市民政局", "410184")
    )
    assert api(client, f"/persons/{world['li'].pk}", pii).status_code == 404
    assert api(client, "/persons", pii).json()["items"] == []
    assert world["li"].id_number not in api(login(personas["staff_jinshui"]), "/persons").content.decode()
    assert reads() == []


def test_a_staff_session_that_may_see_whole_numbers_is_recorded_as_its_account(world, personas, login):
    admin = personas["city_admin"]
    assert api(login(admin), f"/persons/{world['li'].pk}").json()["id_number"] == world["li"].id_number
    [event] = reads()
    assert (event.actor_id, event.data["persons"], event.data["scope"]) == (
        admin.pk,
        [world["li"].pk],
        admin.region.path,
    )


def test_an_answer_whose_read_cannot_be_recorded_is_not_sent(world, monkeypatch):
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("socredit.api.record_api_id_numbers_read", broken)
    _, raw = factories.token(
        ["persons:read", "persons:pii"], factories.department("js-mzj", "金水区民政局", "410105")
    )
    response = api(Client(raise_request_exception=False), f"/persons/{world['li'].pk}", raw)
    assert response.status_code == 500 and world["li"].id_number not in response.content.decode()


# --- downloads of non-public files ---------------------------------------------------------------------


@pytest.fixture
def files(world, personas):
    """An objection with one evidence file, a statement on a list proposal with one, and a dry run of
    an import with an error report."""
    staff, org = personas["staff_jinshui"], world["org"]
    account = factories.org_account(org)
    objection = objections.file_objection(
        account, channel="organization", organization=org, records=[world["record"]], reasons="记录有误，申请核查。",
        files=[SimpleUploadedFile("回执.pdf", b"%PDF-1.4 objection", content_type="application/pdf")],
    )  # fmt: skip
    proposal = ListProposal.objects.get(organization=org, status="proposed")
    notice = lists.serve_notice(staff, proposal, "written", lists.today(), "查阅告〔2026〕1号")
    statement = lists.file_statement(
        account, notice, text="警告所涉问题已纠正。", received_on=lists.today(), channel="account",
        files=[SimpleUploadedFile("说明.pdf", b"%PDF-1.4 statement", content_type="application/pdf")],
    )  # fmt: skip
    csv = f"organization,kind,occurred_on,department,document_number\n{org.code},no_such_kind,2024-01-02,zz-mzj,X\n"
    run = run_import(actor=staff, channel="import", kind="records", content=csv.encode(), file_name="坏数据.csv",
                     dry_run=True)  # fmt: skip
    assert run.errors
    return {"account": account, "objection": objection, "evidence": objection.evidence.get(),
            "statement_evidence": statement.evidence.get(), "run": run}  # fmt: skip


def test_each_staff_download_of_a_non_public_file_records_one_event(world, files, personas, login):
    staff = personas["staff_jinshui"]
    client = login(staff)
    downloads = [
        (reverse("cases:evidence_download", args=[files["objection"].number, files["evidence"].pk]), "evidence",
         "cases.case", files["objection"].pk),
        (reverse("lists:statement_evidence", args=[files["statement_evidence"].pk]), "statement_evidence",
         "lists.statementevidence", files["statement_evidence"].pk),
        (reverse("imports:importrun_report", args=[files["run"].pk, "csv"]), "import_errors",
         "imports.importrun", files["run"].pk),
    ]  # fmt: skip
    for url, file, target_type, target_id in downloads:
        before = len(reads())
        response = client.get(url)
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"], url
        events = reads()[before:]
        assert len(events) == 1, url
        assert (events[0].action, events[0].actor_id, events[0].data["file"]) == (
            FILE_DOWNLOAD,
            staff.pk,
            file,
        )
        assert (events[0].target_type, events[0].target_id) == (target_type, str(target_id))
    assert verify_chain() is None


def test_downloads_refused_or_of_ones_own_files_record_nothing(world, files, personas, login):
    outsider = login(personas["staff_xinzheng"])
    assert outsider.get(reverse("cases:evidence_download",
                                args=[files["objection"].number, files["evidence"].pk])).status_code == 404  # fmt: skip
    assert (
        outsider.get(reverse("lists:statement_evidence", args=[files["statement_evidence"].pk])).status_code
        == 404
    )
    assert outsider.get(reverse("imports:importrun_report", args=[files["run"].pk, "csv"])).status_code == 404
    own = login(files["account"])  # the organization downloads what it filed itself
    assert (
        own.get(
            reverse("my:evidence_download", args=[files["objection"].number, files["evidence"].pk])
        ).status_code
        == 200
    )
    assert (
        own.get(reverse("my_lists:evidence_download", args=[files["statement_evidence"].pk])).status_code
        == 200
    )
    assert (
        login(personas["staff_jinshui"])
        .get(reverse("imports:import_template", args=["records", "csv"]))
        .status_code
        == 200
    )
    assert reads() == []


# --- the administrators' review ------------------------------------------------------------------------

REVIEW = reverse("audit:sensitive_reads")


def test_administrators_review_the_reads_of_their_region_in_words_not_codes(world, files, personas, login):
    admin = personas["city_admin"]
    reveal(login(admin), world["li"])
    login(personas["staff_jinshui"]).get(reverse("imports:importrun_report", args=[files["run"].pk, "csv"]))
    _, raw = factories.token(
        ["persons:read", "persons:pii"], factories.department("js-mzj", "金水区民政局", "410105")
    )
    api(Client(), f"/persons/{world['li'].pk}", raw)
    xz = factories.organization("410184", name="新郑市查阅测试协会")
    wang = factories.person("王芳", birth=dt.date(1988, 8, 8))
    factories.role(xz, wang)
    reveal(login(world["xz_admin"]), wang)
    html = login(admin).get(REVIEW).content.decode()
    assert "敏感信息查阅记录" in html
    for label in (
        "查看完整身份证号码",
        "人员页面",
        "下载非公开文件",
        "导入错误报告",
        "接口返回完整身份证号码",
        "接口",
    ):
        assert label in html, label
    assert "王芳" in html and "xz_admin" in html  # 新郑 lies within 郑州
    for code in (*SENSITIVE_READS, "person_page", "import_errors", world["li"].id_number):
        assert code not in html.replace(f'value="{code}"', ""), code
    html = login(world["xz_admin"]).get(REVIEW).content.decode()
    assert "王芳" in html and "李娜" not in html and "导入错误报告" not in html  # only 新郑's reads
    filtered = login(admin).get(REVIEW, {"kind": ID_NUMBER_READ, "actor": "city"}).content.decode()
    assert "李娜" in filtered and "王芳" not in filtered and "导入错误报告" not in filtered
    today = lists.today().isoformat()
    assert "李娜" not in login(admin).get(REVIEW, {"date_to": "2020-01-01"}).content.decode()
    assert "李娜" in login(admin).get(REVIEW, {"date_from": today, "date_to": today}).content.decode()


def test_the_review_in_english_and_its_bad_filters(world, personas, login):
    reveal(login(personas["city_admin"]), world["li"])
    client = login(personas["city_admin"])
    client.post(reverse("set_language"), {"language": "en", "next": REVIEW})
    html = client.get(REVIEW).content.decode()
    assert "Sensitive reads" in html and "Whole ID number shown" in html and "Person page" in html
    response = client.get(REVIEW, {"date_from": "2026-12-02", "date_to": "2026-12-01", "kind": "nonsense"})
    assert response.status_code == 400 and "before the start date" in response.content.decode()


def test_the_review_is_in_the_administrators_menu_only(personas, login):
    assert REVIEW in login(personas["city_admin"]).get(reverse("workdays:year_list")).content.decode()
    assert REVIEW not in login(personas["staff_jinshui"]).get(reverse("workdays:year_list")).content.decode()
    assert login(personas["staff_jinshui"]).get(REVIEW).status_code == 403


def test_a_read_is_recorded_only_under_a_known_kind(personas):
    from socredit.apps.audit.services import record_download, record_sensitive_read

    with pytest.raises(ValueError, match="unknown sensitive read"):
        record_sensitive_read(
            actor=personas["city_admin"], channel="form", action="person.update", summary="x"
        )
    with pytest.raises(ValueError, match="unknown downloaded file kind"):
        record_download(personas["city_admin"], file="everything", target=personas["city_admin"], name="x")
    assert reads() == [] and json.dumps(SENSITIVE_READS, default=str)
