"""对举报人信息严格保密 (seed 004 §五): the reporter's name and phone reach the assigned handler and no one
else — for every role, in pages, partials, the API, the audit trail, the timeline, documents and admin."""

from __future__ import annotations

import json

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from socredit.apps.accounts.models import StaffRole
from socredit.apps.audit.models import AuditEvent
from socredit.apps.cases.access import reporter_for
from socredit.apps.cases.models import Case, CaseChannel, CaseEvent, Reporter
from socredit.apps.cases.services import complaints as svc
from socredit.common.errors import FieldErrors
from socredit.testing import factories

pytestmark = pytest.mark.django_db

NAME = "王秘密"
PHONE = "13912345678"
EMAIL = "secret.reporter@example.com"
CONTENT = "该协会以评比达标表彰为名向会员单位收取费用，每家三千元，有收据为证。"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(personas):
    """A founded, replied complaint of 金水区 handled by staff_jinshui, and the other roles around it."""
    factories.department()
    org = factories.organization(region_code="410105", name="郑州市金水区保密测试协会")
    handler = personas["staff_jinshui"]
    case, code = svc.submit_complaint(
        None, CaseChannel.PUBLIC, organization_code=org.code, content=CONTENT,
        reporter={"name": NAME, "phone": PHONE, "email": EMAIL, "address": "金水路1号"},
        files=[SimpleUploadedFile(f"{NAME}的收据.pdf", b"%PDF-1.4\n", content_type="application/pdf")],
    )  # fmt: skip
    svc.triage(handler, case, accept=True, handler=handler, reason="本人承办")
    svc.add_note(handler, case, "已调取收费凭证。")
    svc.conclude(handler, case, founded=True, reason="经查属实。")
    svc.reply(handler, case, text="您反映的问题属实，已依法处理。")
    case.refresh_from_db()
    roles = {
        "anonymous": None,
        "org_account": factories.org_account(
            factories.organization(region_code="410105", name="郑州市金水区旁观协会")
        ),
        "viewer": personas["viewer_jinshui"],
        "officer_not_assigned": factories.staff("staff_jinshui_2", "410105", StaffRole.OFFICER),
        "admin_not_assigned": factories.staff("admin_jinshui", "410105", StaffRole.ADMIN),
        "city_admin": personas["city_admin"],
        "superuser": personas["superuser"],
        "other_region": personas["staff_xinzheng"],
        "handler": handler,
    }
    return {"case": case, "code": code, "org": org, "roles": roles}


def secret_in(text: str) -> bool:
    return NAME in text or PHONE in text or EMAIL in text


def staff_urls(case: Case) -> list[str]:
    doc = case.documents.get(kind="complaint_reply")
    urls = [
        reverse(f"cases:complaint_{a}", args=[case.pk])
        for a in ("triage", "note", "link", "conclude", "reply")
    ]
    urls.append(reverse("cases:complaint_document", args=[case.pk, doc.pk]))
    urls.append(reverse("cases:case_detail", kwargs={"number": case.number}))  # includes the partials
    return urls


ROLES = ("anonymous", "org_account", "viewer", "officer_not_assigned", "admin_not_assigned", "city_admin",
         "superuser", "other_region", "handler")  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_pages_show_the_reporter_to_the_handler_only(client, world, role):
    user = world["roles"][role]
    if user is not None:
        client.force_login(user)
    case = world["case"]
    seen = []
    for url in staff_urls(case) + [reverse("public:complaint_lookup"), reverse("public:complaint_new")]:
        response = client.get(url)
        assert response.status_code in {200, 302, 403, 404}, (url, response.status_code)
        seen.append((url, response.status_code, secret_in(response.content.decode())))
    lookup = client.post(reverse("public:complaint_lookup"), {"number": case.number, "code": world["code"]})
    assert lookup.status_code == 200 and "lookup-result" in lookup.content.decode()
    assert not secret_in(lookup.content.decode())
    leaks = [s for s in seen if s[2]]
    if role == "handler":
        assert leaks, "the handler sees the reporter"
        assert all(code == 200 for _, code, _ in seen), seen
    else:
        assert leaks == [], f"{role} saw the reporter on {leaks}"


@pytest.mark.parametrize("role", ROLES)
def test_partials_and_access_functions_for_each_role(world, role):
    user = world["roles"][role]
    case = world["case"]
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    reporter_html = render_to_string("cases/complaints/_reporter.html", {"case": case}, request=request)
    actions_html = render_to_string("cases/complaints/_actions.html", {"case": case}, request=request)
    if role == "handler":
        assert NAME in reporter_html and PHONE in reporter_html
        assert reporter_for(user, case) is not None
    else:
        assert not secret_in(reporter_html) and "举报人信息仅承办人可见" in reporter_html
        assert reporter_for(user, case) is None
    assert not secret_in(actions_html)


def test_the_handler_printing_the_reply_addresses_it_by_name_others_do_not(client, world):
    case = world["case"]
    doc = case.documents.get(kind="complaint_reply")
    url = reverse("cases:complaint_document", args=[case.pk, doc.pk])
    client.force_login(world["roles"]["handler"])
    assert f"{NAME}：" in client.get(url).content.decode()
    client.force_login(world["roles"]["city_admin"])
    page = client.get(url).content.decode()
    assert "举报人：" in page and NAME not in page
    assert doc.addressee == "举报人" and not secret_in(doc.body)


def test_nothing_stored_outside_the_reporter_row_names_the_reporter(world):
    case = world["case"]
    for event in AuditEvent.objects.all():
        assert not secret_in(event.summary + json.dumps(event.data, ensure_ascii=False)), event.action
    for event in CaseEvent.objects.filter(case=case):
        assert not secret_in(event.text)
    assert [e.original_name for e in case.evidence.all()] == ["举报材料1.pdf"]
    for doc in case.documents.all():
        assert not secret_in(doc.body + doc.addressee)
    assert not secret_in(json.dumps(case.details, ensure_ascii=False))
    assert not secret_in(case.applicant_name + case.applicant_contact + case.filed_by_label + case.reasons)
    record = case.records.get()
    assert not secret_in(record.summary + record.source_actor)
    assert Reporter.objects.get(case=case).name == NAME


def test_the_api_never_returns_reporter_data(client, world):
    _, raw = factories.token(["complaints:write"], name="confidential")
    body = {"subject_name": "某协会", "region_code": "410105", "content": CONTENT,
            "reporter": {"name": NAME, "phone": PHONE, "email": EMAIL}}  # fmt: skip
    response = client.post("/api/v1/complaints", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")  # fmt: skip
    assert response.status_code == 201 and not secret_in(response.content.decode())
    schema = client.get("/api/v1/openapi.json").json()
    out = json.dumps({k: v for k, v in schema["components"]["schemas"].items() if k.endswith("Out")})
    assert "ReporterOut" not in out and "reporter" not in out.lower()
    # No API operation reads complaints or their reporters at all.
    assert not [p for p, ops in schema["paths"].items() if "complaint" in p and "get" in ops]


def test_handler_texts_must_not_name_the_reporter_and_others_get_no_oracle(world):
    handler = world["roles"]["handler"]
    case, _ = svc.submit_complaint(None, CaseChannel.PUBLIC, subject_name="某协会", region_code="410105",
                                   content=CONTENT, reporter={"name": NAME, "phone": PHONE})  # fmt: skip
    svc.triage(handler, case, accept=True, handler=handler, reason="本人承办")
    with pytest.raises(FieldErrors, match="不得写入举报人"):
        svc.add_note(handler, case, f"已电话联系{NAME}核实情况。")
    # A colleague cannot know the name, so the check is not run for them (it would tell them who reported).
    svc.add_note(world["roles"]["officer_not_assigned"], case, f"{NAME}路口的店面已查看。")


def test_reporters_are_not_in_the_admin(world):
    assert Reporter not in admin.site._registry
    registered = admin.site._registry.get(Case)
    if registered is not None:
        inlines = [i.model for i in registered.inlines]
        assert Reporter not in inlines
