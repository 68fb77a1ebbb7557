"""Personal data on a need-to-know basis: every route and import path that takes an ID number answers
an ID number of a person registered in another region exactly as it answers an unregistered one, and
never with the person's name.

The routes are found, not listed by hand: every API operation whose parameters or request body have
an ``id_number`` or ``persons`` field, every import kind with such a column, and every staff page
whose form has such a field must have a case below (`test_every_id_number_path_is_covered`), so a
new path with ID numbers is decided when it is added.

The world: 洛阳市 (410300) registers 洛阳人员甲, who holds a post in a 洛阳 organization; 新郑市 (410184)
writes — a department token of 新郑 with every scope, and the 新郑 officer's staff session.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django import forms
from django.urls import URLPattern, URLResolver, get_resolver

from socredit.apps.audit.models import AuditEvent
from socredit.apps.audit.services import verify_chain
from socredit.apps.bans.forms import BanForm
from socredit.apps.imports.columns import COLUMNS
from socredit.apps.imports.services import run_import
from socredit.apps.lists.screening import posts_on
from socredit.apps.records.forms import CorrectForm, RecordForm
from socredit.apps.registry.access import access_persons
from socredit.apps.registry.models import Person, Role
from socredit.common.imports import write_csv
from socredit.core.codes import make_id_number
from socredit.testing import factories

pytestmark = pytest.mark.django_db

API = "/api/v1"
FOREIGN_NAME = "洛阳人员甲"
ALL_SCOPES = ["records:read", "records:write", "persons:read", "persons:pii", "organizations:read", "bans:read",
              "bans:write"]  # fmt: skip

# method + path of every API operation that takes an ID number, and the page forms that do
API_CASES = {("post", "/records"), ("post", "/records/batch"), ("post", "/records/{record_id}/correct"),
             ("get", "/persons/screening"), ("get", "/bans"), ("post", "/bans"), ("post", "/blacklists")}  # fmt: skip
FORM_CASES = {RecordForm, CorrectForm, BanForm}
IMPORT_CASES = {"records", "roles"}
# a correction's `changes` is free-form (RecordIn's fields), so the schema does not show its persons
FREE_FORM = {("post", "/records/{record_id}/correct")}
CSRF = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')


@pytest.fixture
def world(personas):
    luoyang_org = factories.organization("410300", name="洛阳市测试协会")
    foreign = factories.person(FOREIGN_NAME, region_code="410302")
    factories.role(luoyang_org, foreign)
    xinzheng_org = factories.organization("410184", name="新郑市测试协会")
    dept = factories.department("xz-mzj", "新郑市民政局", "410184")
    _, raw = factories.token(ALL_SCOPES, dept)
    unknown = make_id_number("410302", dt.date(1990, 1, 1), 777)
    assert not Person.objects.filter(id_number=unknown).exists()
    record = factories.record(xinzheng_org, department=dept.code, document_number="XZ-1")
    return {"foreign": foreign.id_number, "unknown": unknown, "org": xinzheng_org, "dept": dept,
            "raw": raw, "record": record, "staff": personas["staff_xinzheng"]}  # fmt: skip


def same_answer(world: dict[str, Any], answer: Any) -> None:
    """``answer(number)`` → (status, text) is the same for the foreign and the unknown number (once
    the number itself is blanked), and never names the foreign person."""
    foreign, unknown = answer(world["foreign"]), answer(world["unknown"])
    assert FOREIGN_NAME not in foreign[1]
    blank = (foreign[0], foreign[1].replace(world["foreign"], "<N>"))
    assert blank == (unknown[0], unknown[1].replace(world["unknown"], "<N>"))
    return foreign


def _api(client, world, caller):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world['raw']}"} if caller == "token" else {}
    if caller == "staff":
        client.force_login(world["staff"])

    def call(method, path, body=None, **params):
        if method == "get":
            r = client.get(API + path, params, **headers)
        else:
            r = client.post(API + path, json.dumps(body), content_type="application/json", **headers)
        return r.status_code, json.dumps(r.json(), ensure_ascii=False, sort_keys=True)

    return call


def _record(world, number, **extra):
    return {"organization": world["org"].code, "kind": "penalty_warning", "occurred_on": "2024-05-10",
            "department": world["dept"].code, "document_number": "XZ-NEW", "persons": [number], **extra}  # fmt: skip


@pytest.mark.parametrize("caller", ["token", "staff"])
def test_api_routes_answer_a_foreign_id_number_like_an_unknown_one(client, world, caller):
    call = _api(client, world, caller)
    rec = world["record"].pk
    status, _ = same_answer(world, lambda n: call("post", "/records", _record(world, n)))
    assert status == 422
    status, _ = same_answer(world, lambda n: call("post", "/records/batch", {"items": [_record(world, n)]}))
    assert status == 200
    status, _ = same_answer(
        world,
        lambda n: call("post", f"/records/{rec}/correct", {"reason": "更正", "changes": {"persons": [n]}}),
    )
    assert status == 422
    status, _ = same_answer(world, lambda n: call("get", "/persons/screening", id_number=n))
    assert status == 200
    status, _ = same_answer(world, lambda n: call("get", "/bans", id_number=n))
    assert status == 200
    # a department's ban on the number: recorded on the natural person, under the name it was given
    status, text = same_answer(world, lambda n: call("post", "/bans", {"items": [_ban(n)]}))
    assert status == 200 and '"created": [{"ban"' in text
    # nothing was written that names the foreign person
    assert not world["record"].persons.exists() and not Person.objects.get(name=FOREIGN_NAME).records.exists()


def _ban(number: str) -> dict[str, Any]:
    return {"name": "受限者", "id_number": number, "ground": "charity_penalty", "years": 2, "authority": "新郑市民政局",
            "document_number": "新民禁〔2026〕9号", "decided_on": "2026-01-05"}  # fmt: skip


def test_the_ban_form_answers_a_foreign_id_number_like_an_unknown_one(client, world):
    """The ban is recorded on the natural person either way; its page never shows the registered name
    and offers no page of a person registered elsewhere."""
    client.force_login(world["staff"])
    for number in (world["foreign"], world["unknown"]):
        response = client.post("/bans/new/", _ban(number))
        assert response.status_code == 302, response.content.decode()[:500]
        page = client.get(response["Location"]).content.decode()
        assert FOREIGN_NAME not in page and "受限者" in page and "/organizations/persons/" not in page


def test_checks_and_blacklists_answer_a_foreign_id_number_like_an_unknown_one(client, world):
    """A credit check of persons (``id_numbers``) and a domain blacklist push answer a person registered
    in another region as an unregistered one: no name, the same status and measures."""
    from socredit.core.types import DepartmentKind

    tax = factories.department("xz-sw", "新郑市税务局", "410184", kind=DepartmentKind.TAX)
    headers = {
        "HTTP_AUTHORIZATION": f"Bearer {factories.token(['checks:write', 'blacklists:write'], tax)[1]}"
    }

    def check(number):
        r = client.post(f"{API}/checks", json.dumps({"scenario": "registration", "id_numbers": [number]}),
                        content_type="application/json", **headers)  # fmt: skip
        results = [{k: v for k, v in x.items() if k != "subject"} for x in r.json()["results"]]
        return r.status_code, json.dumps(results, ensure_ascii=False, sort_keys=True)

    def push(number):
        item = {"subject_kind": "person", "id_number": number, "name": "某人", "entered_on": "2026-01-05",
                "document_number": "新税稽〔2026〕1号"}  # fmt: skip
        r = client.post(f"{API}/blacklists", json.dumps({"items": [item]}), content_type="application/json",
                        **headers)  # fmt: skip
        return r.status_code, json.dumps(r.json(), ensure_ascii=False, sort_keys=True)

    assert same_answer(world, check)[0] == 200
    assert same_answer(world, push)[0] == 200


def test_page_forms_refuse_a_foreign_person_like_an_unknown_one(client, world):
    """The record forms offer only persons holding a post in the organization; a posted id of a
    person elsewhere is refused like one that does not exist."""
    client.force_login(world["staff"])
    foreign_pk = str(Person.objects.get(name=FOREIGN_NAME).pk)
    missing_pk = str(Person.objects.order_by("-pk").first().pk + 1000)
    base = {"kind": "penalty_warning", "occurred_on": "2024-05-10", "department": world["dept"].code,
            "document_number": "XZ-FORM"}  # fmt: skip
    for url, extra in ((f"/records/new/{world['org'].code}/", {}),
                       (f"/records/{world['record'].pk}/correct/", {"reason": "更正"})):  # fmt: skip
        answers = []
        for pk in (foreign_pk, missing_pk):
            r = client.post(url, {**base, **extra, "persons": [pk]})
            text = r.content.decode()
            assert FOREIGN_NAME not in text
            answers.append((r.status_code, CSRF.sub("", text).replace(f"选项。 {pk} ", "选项。 <PK> ")))
        assert answers[0] == answers[1] and answers[0][0] == 400  # the form again, with its error


def _import(world, kind, rows, *, dry_run):
    cols = COLUMNS[kind]
    content = write_csv([c.title for c in cols], [[row.get(c.field, "") for c in cols] for row in rows])
    run = run_import(actor=world["staff"], channel="import", kind=kind, content=content, file_name=f"{kind}.csv",
                     dry_run=dry_run)  # fmt: skip
    text = json.dumps([run.status, run.created, run.updated, run.unchanged, run.errors, run.message],
                      ensure_ascii=False, default=str)  # fmt: skip
    return run.status, text


@pytest.mark.parametrize("dry_run", [True, False])
def test_imports_answer_a_foreign_id_number_like_an_unknown_one(world, dry_run):
    org = world["org"].code
    same_answer(
        world, lambda n: _import(world, "records", [{**_record(world, n), "persons": n}], dry_run=dry_run)
    )
    # a post for the number under another name: the registered name is never told
    role = {"organization": org, "name": "冒名者", "kind": "法定代表人", "start_on": "2020-01-01"}
    same_answer(world, lambda n: _import(world, "roles", [{**role, "id_number": n}], dry_run=dry_run))
    # and under the right name (the ID number is one natural person: the post joins the registered one)
    role2 = {**role, "name": FOREIGN_NAME, "kind": "秘书长"}
    foreign = _import(world, "roles", [{**role2, "id_number": world["foreign"]}], dry_run=dry_run)
    another = make_id_number("410302", dt.date(1990, 1, 1), 779)  # the first unknown is registered by now
    unknown = _import(world, "roles", [{**role2, "id_number": another}], dry_run=dry_run)
    assert foreign == unknown
    if not dry_run:
        assert (
            Person.objects.get(id_number=world["foreign"]).name == FOREIGN_NAME
        )  # the registry keeps its name
        assert Role.objects.filter(person__id_number=world["foreign"], organization=world["org"]).count() == 2


def test_a_token_reads_person_names_on_records_only_with_persons_read(client, world):
    xz_person = factories.person("新郑人员乙", birth=dt.date(1995, 1, 1), region_code="410184")
    factories.role(world["org"], xz_person)
    rec = factories.record(world["org"], department=world["dept"].code, persons=[xz_person.id_number])
    _, without = factories.token(["records:read"], world["dept"], name="no-persons")
    _, with_scope = factories.token(["records:read", "persons:read"], world["dept"], name="persons")

    def read(raw, path, **params):
        return client.get(API + path, params, HTTP_AUTHORIZATION=f"Bearer {raw}").json()

    detail = read(without, f"/records/{rec.pk}")
    assert detail["persons"] == [] and "新郑人员乙" not in json.dumps(detail, ensure_ascii=False)
    listed = read(without, f"/organizations/{world['org'].code}/records")
    assert "新郑人员乙" not in json.dumps(listed, ensure_ascii=False)
    assert read(with_scope, f"/records/{rec.pk}")["persons"][0]["name"] == "新郑人员乙"
    items = read(with_scope, f"/organizations/{world['org'].code}/records")["items"]
    assert "新郑人员乙" in [p["name"] for i in items for p in i["persons"]]
    # a staff session keeps what its post allows
    client.force_login(world["staff"])
    assert client.get(f"{API}/records/{rec.pk}").json()["persons"][0]["name"] == "新郑人员乙"


# --- the paths above are all there are ------------------------------------------------------------


def _schema_fields(schema: dict[str, Any], node: Any, seen: set[str]) -> set[str]:
    """Every property name reachable from ``node`` in the OpenAPI document (following $ref)."""
    out: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref not in seen:
            seen.add(ref)
            target: Any = schema
            for part in ref.lstrip("#/").split("/"):
                target = target[part]
            out |= _schema_fields(schema, target, seen)
        out |= set(node.get("properties", {}))
        for value in node.values():
            out |= _schema_fields(schema, value, seen)
    elif isinstance(node, list):
        for value in node:
            out |= _schema_fields(schema, value, seen)
    return out


def _form_classes(resolver: Any) -> set[type]:
    classes: set[type] = set()

    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns)
            elif isinstance(p, URLPattern):
                for value in vars(__import__(p.callback.__module__, fromlist=["_"])).values():
                    if isinstance(value, type) and issubclass(value, forms.BaseForm):
                        classes.add(value)

    walk(resolver.url_patterns)
    return classes


def test_every_id_number_path_is_covered(client):
    schema = client.get(f"{API}/openapi.json").json()
    takes_numbers = set()
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            inputs = {p["name"] for p in op.get("parameters", [])}
            inputs |= _schema_fields(schema, op.get("requestBody", {}), set())
            if inputs & {"id_number", "persons"}:
                takes_numbers.add((method, path.removeprefix(API)))
    assert takes_numbers | FREE_FORM == API_CASES
    assert {
        k for k, cols in COLUMNS.items() if {c.field for c in cols} & {"id_number", "persons"}
    } == IMPORT_CASES
    page_forms = {f for f in _form_classes(get_resolver())
                  if {"id_number", "persons"} & set(getattr(f, "base_fields", {}))}  # fmt: skip
    assert page_forms == FORM_CASES


def test_a_post_filed_under_another_name_is_held_and_never_shows_the_registered_name(client, world):
    """The roles import accepted a post for a number registered (elsewhere) under another name: the
    filer must not learn that name afterwards either — not on the organization's page, not from the
    person's page, not through the API — and the post counts for nothing until staff who see both
    regions settle it."""
    org, foreign = world["org"], Person.objects.get(id_number=world["foreign"])
    role = {"organization": org.code, "name": "冒名者", "kind": "法定代表人", "start_on": "2020-01-01",
            "id_number": world["foreign"]}  # fmt: skip
    assert _import(world, "roles", [role], dry_run=False)[0] == "succeeded"
    held = Role.objects.get(person=foreign, organization=org)
    assert held.stated_name == "冒名者"

    client.force_login(world["staff"])
    page = client.get(f"/organizations/{org.code}/").content.decode()
    assert "冒名者" in page and "身份待核实" in page and FOREIGN_NAME not in page
    assert f"/organizations/persons/{foreign.pk}/" not in page
    assert client.get(f"/organizations/persons/{foreign.pk}/").status_code == 404
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world['raw']}"}
    api = client.get(f"{API}/organizations/{org.code}/persons", **headers).json()
    assert [(p["person"]["name"], p["identity_pending"]) for p in api["items"]] == [("冒名者", True)]
    assert client.get(f"{API}/persons/{foreign.pk}", **headers).status_code == 404
    assert FOREIGN_NAME not in json.dumps(client.get(f"{API}/persons", **headers).json(), ensure_ascii=False)
    # a record naming the number is still answered as for an unknown number (the post gives no access)
    form = client.get(f"/records/new/{org.code}/")
    assert FOREIGN_NAME not in form.content.decode()

    # staff above both regions see the held post on the person's page and settle it
    province = factories.staff("province_admin", "410000", "admin")
    client.force_login(province)
    person_page = client.get(f"/organizations/persons/{foreign.pk}/").content.decode()
    assert "身份待核实" in person_page and "冒名者" in person_page
    client.force_login(world["staff"])  # the filer cannot settle it (it cannot read the person)
    assert client.post(f"/organizations/persons/{foreign.pk}/posts/{held.pk}/confirm/").status_code == 404
    client.force_login(province)
    answer = client.post(f"/organizations/persons/{foreign.pk}/posts/{held.pk}/withdraw/", {"reason": ""})
    assert answer.status_code == 302 and Role.objects.filter(pk=held.pk).exists()  # a reason is needed
    client.post(
        f"/organizations/persons/{foreign.pk}/posts/{held.pk}/withdraw/", {"reason": "身份证号码填错"}
    )
    assert not Role.objects.filter(pk=held.pk).exists()
    assert AuditEvent.objects.filter(action="role.identity_rejected", target_id=str(held.pk)).exists()

    # filed again and confirmed: from then on the post is the registered person's, under the registered name
    _import(world, "roles", [role], dry_run=False)
    held = Role.objects.get(person=foreign, organization=org)
    client.post(f"/organizations/persons/{foreign.pk}/posts/{held.pk}/confirm/")
    held.refresh_from_db()
    assert held.stated_name == "" and held.shown_name == FOREIGN_NAME
    assert AuditEvent.objects.filter(action="role.identity_confirmed", target_id=str(held.pk)).exists()
    assert verify_chain() is None


def test_a_held_post_counts_for_nothing_and_filing_it_under_the_registered_name_settles_it(world):
    org, foreign = world["org"], Person.objects.get(id_number=world["foreign"])
    role = {"organization": org.code, "name": "冒名者", "kind": "法定代表人", "start_on": "2020-01-01",
            "id_number": world["foreign"]}  # fmt: skip
    _import(world, "roles", [role], dry_run=False)
    day = dt.date(2026, 1, 1)
    assert not posts_on(foreign, day).filter(organization=org).exists()  # screening of persons
    assert not access_persons(world["staff"]).filter(pk=foreign.pk).exists()
    # the filer learns the registered name from the person's ID card and files the post again
    status, text = _import(world, "roles", [{**role, "name": FOREIGN_NAME}], dry_run=False)
    assert status == "succeeded" and json.loads(text)[2] == 1  # one post updated
    assert Role.objects.get(person=foreign, organization=org).stated_name == ""
    assert posts_on(foreign, day).filter(organization=org).exists()
    assert access_persons(world["staff"]).filter(pk=foreign.pk).exists()
