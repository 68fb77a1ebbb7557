"""Registration in the UI (成立、变更、注销、撤销, branches): the services and the pages, bad input
(duplicate and invalid codes, a change without its document, a deregistration with an open case or a
listing, another region), the person screening shown and confirmed, nothing half-written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from socredit.apps.audit.models import AuditEvent
from socredit.apps.cases.services import objections
from socredit.apps.lists.tests.conftest import ago
from socredit.apps.registry.models import Branch, Organization, Person, RegistrationChange, Role
from socredit.apps.registry.services import (
    add_branch,
    change_branch,
    change_registration,
    close_branch,
    end_registration,
    register_organization,
)
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.core.codes import make_id_number, make_social_org_code
from socredit.core.types import OrgType
from socredit.testing import factories

pytestmark = pytest.mark.django_db

REGISTER = reverse("registry:organization_register")
SCREEN = reverse("registry:person_screen")


def new_code(serial: int = 1, region: str = "410105") -> str:
    return make_social_org_code(region, OrgType.ASSOCIATION, 700_000 + serial)


def id_number(serial: int = 1) -> str:
    return make_id_number("410105", dt.date(1991, 7, 17), 500 + serial)


def registration(**over):
    data = {
        "name": "郑州市金水区新成立协会", "org_type": "1", "code": new_code(), "region": "410105",
        "registered_on": today().isoformat(), "legal_rep_name": "王新", "legal_rep_id_number": id_number(),
        "address": "金水路1号", "business_scope": "行业交流、培训", "supervisory_unit": "金水区科协",
        "field": "other", "document_number": "金民登〔2026〕9号", "document_date": today().isoformat(),
    }  # fmt: skip
    data.update(over)
    return data


def change(**over):
    return {"effective_on": today().isoformat(), "document_number": "金民变〔2026〕3号",
            "document_date": today().isoformat(), **over}  # fmt: skip


def pdf(name="批复.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 approval", content_type="application/pdf")


# --- 成立登记 ---------------------------------------------------------------------------------------


def test_register_creates_the_organization_its_legal_representative_and_history(officer):
    org = register_organization(actor=officer, channel="form", data={**registration(), "document": pdf()})
    assert (org.name, org.status, org.business_scope) == (
        "郑州市金水区新成立协会",
        "normal",
        "行业交流、培训",
    )
    rep = Role.objects.get(organization=org, kind="legal_rep", end_on__isnull=True)
    assert rep.person.id_number == id_number() and rep.start_on == today()
    row = RegistrationChange.objects.get(organization=org)
    assert (row.act, row.document_number, row.document_name) == ("establish", "金民登〔2026〕9号", "批复.pdf")
    assert row.document.read().startswith(b"%PDF")
    event = AuditEvent.objects.get(action="organization.register")
    assert event.data["screening"] == [] and event.data["screening_confirmed"] is False


@pytest.mark.parametrize(
    ("code", "says"),
    [
        (new_code()[:-1] + ("0" if new_code()[-1] != "0" else "1"), "校验位错误"),
        ("51410105ABC", "应为18位"),
        ("", "不能为空"),
    ],
)
def test_register_names_the_real_cause_of_a_bad_code(officer, code, says):
    with pytest.raises(FieldErrors) as exc:
        register_organization(actor=officer, channel="form", data=registration(code=code))
    assert says in "".join(exc.value.errors["code"])
    assert not Organization.objects.filter(name="郑州市金水区新成立协会").exists()


def test_register_refuses_a_registered_code_as_a_duplicate(officer):
    existing = factories.organization("410105", name="郑州市金水区老协会")
    with pytest.raises(FieldErrors) as exc:
        register_organization(actor=officer, channel="form", data=registration(code=existing.code))
    assert "已经登记" in "".join(exc.value.errors["code"]) or "already registered" in "".join(
        exc.value.errors["code"]
    )
    assert Organization.objects.filter(code=existing.code).count() == 1


def test_register_outside_the_region_is_refused_and_nothing_written(personas, civil_affairs):
    before = (Organization.objects.count(), Person.objects.count(), AuditEvent.objects.count())
    with pytest.raises(FieldErrors) as exc:
        register_organization(actor=personas["staff_xinzheng"], channel="form", data=registration())
    assert "region" in exc.value.errors
    assert (Organization.objects.count(), Person.objects.count(), AuditEvent.objects.count()) == before


def test_register_without_approval_number_or_file_is_refused(officer):
    with pytest.raises(FieldErrors) as exc:
        register_organization(actor=officer, channel="form", data=registration(document_number=""))
    assert "document_number" in exc.value.errors


def test_a_name_clash_for_the_legal_representative_writes_nothing(officer):
    known = factories.person("李已登")
    factories.role(factories.organization("410105"), known, "director")
    count = Organization.objects.count()
    with pytest.raises(FieldErrors) as exc:
        register_organization(actor=officer, channel="form",
                              data=registration(legal_rep_name="李别名", legal_rep_id_number=known.id_number))  # fmt: skip
    assert "legal_rep_name" in exc.value.errors
    assert Organization.objects.count() == count


def test_a_listed_legal_representative_needs_confirmation_kept_in_the_audit(officer, listed_person):
    data = registration(legal_rep_name=listed_person.name, legal_rep_id_number=listed_person.id_number)
    with pytest.raises(FieldErrors) as exc:
        register_organization(actor=officer, channel="form", data=data)
    assert "screening_confirmed" in exc.value.errors
    assert not Organization.objects.filter(code=data["code"]).exists()
    org = register_organization(actor=officer, channel="form", data=data, screening_confirmed=True)
    event = AuditEvent.objects.get(action="organization.register", target_id=str(org.pk))
    assert event.data["screening_confirmed"] is True and "郑州市金水区失信协会" in event.data["screening"][0]


# --- 变更登记 ---------------------------------------------------------------------------------------


@pytest.fixture
def org(officer):
    return register_organization(actor=officer, channel="form",
                                 data=registration(registered_on=ago(400).isoformat()))  # fmt: skip


def test_change_of_name_keeps_the_former_name_and_the_history(officer, org):
    row = change_registration(actor=officer, channel="form", organization=org, item="name",
                              data=change(value="郑州市金水区更名协会"))  # fmt: skip
    org.refresh_from_db()
    assert org.name == "郑州市金水区更名协会" and "郑州市金水区新成立协会" in org.former_names
    assert (row.before, row.after, row.document_number) == (
        "郑州市金水区新成立协会",
        "郑州市金水区更名协会",
        "金民变〔2026〕3号",
    )


@pytest.mark.parametrize("missing", ["document_number", "document_date"])
def test_a_change_without_its_document_is_refused(officer, org, missing):
    with pytest.raises(FieldErrors) as exc:
        change_registration(actor=officer, channel="form", organization=org, item="address",
                            data=change(value="新地址", **{missing: ""}))  # fmt: skip
    assert missing in exc.value.errors
    org.refresh_from_db()
    assert org.address == "金水路1号" and not org.registration_changes.filter(act="change").exists()


def test_change_of_legal_representative_ends_the_former_post(officer, org):
    change_registration(actor=officer, channel="form", organization=org, item="legal_rep",
                        data=change(legal_rep_name="孙继任", legal_rep_id_number=id_number(2)))  # fmt: skip
    posts = Role.objects.filter(organization=org, kind="legal_rep").order_by("start_on")
    assert [(p.person.name, p.end_on) for p in posts] == [
        ("王新", today() - dt.timedelta(days=1)),
        ("孙继任", None),
    ]
    row = org.registration_changes.get(act="change")
    assert (
        row.before.startswith("王新（") and row.after.startswith("孙继任（") and id_number(2) not in row.after
    )


def test_change_to_a_listed_person_needs_confirmation(officer, org, listed_person):
    data = change(legal_rep_name=listed_person.name, legal_rep_id_number=listed_person.id_number)
    with pytest.raises(FieldErrors) as exc:
        change_registration(actor=officer, channel="form", organization=org, item="legal_rep", data=data)
    assert "screening_confirmed" in exc.value.errors
    assert (
        Role.objects.filter(organization=org, kind="legal_rep", end_on__isnull=True).get().person.name
        == "王新"
    )
    change_registration(actor=officer, channel="form", organization=org, item="legal_rep", data=data,
                        screening_confirmed=True)  # fmt: skip
    event = AuditEvent.objects.get(action="organization.change_registration")
    assert event.data["screening_confirmed"] is True


def test_change_to_the_same_value_is_refused(officer, org):
    with pytest.raises(FieldErrors) as exc:
        change_registration(actor=officer, channel="form", organization=org, item="address",
                            data=change(value="金水路1号"))  # fmt: skip
    assert "value" in exc.value.errors


# --- 注销、撤销 -------------------------------------------------------------------------------------


def end(**over):
    return {"effective_on": today().isoformat(), "reason": "组织申请注销，清算完毕。",
            "document_number": "金民注〔2026〕1号", "document_date": today().isoformat(), **over}  # fmt: skip


def test_deregistration_sets_the_status_and_closes_branches(officer, org):
    add_branch(actor=officer, channel="form", organization=org,
               data={"kind": "branch", "name": "专业委员会", "head": "钱主任", "head_id_number": id_number(40), "established_on": ago(10).isoformat(),
                     **change()})  # fmt: skip
    end_registration(actor=officer, channel="form", organization=org, act="deregister", data=end())
    org.refresh_from_db()
    assert org.status == "deregistered"
    assert Branch.objects.get(organization=org).closed_on == today()
    with pytest.raises(FieldErrors):
        change_registration(
            actor=officer, channel="form", organization=org, item="address", data=change(value="x")
        )


def test_deregistration_with_an_open_case_is_refused(officer, org):
    record = factories.record(org, "penalty_warning", occurred_on=ago(20))
    objections.file_objection(officer, channel="paper", organization=org, records=[record],
                              reasons="警告决定已撤销，请核实。", received_on=today())  # fmt: skip
    with pytest.raises(FieldErrors) as exc:
        end_registration(actor=officer, channel="form", organization=org, act="deregister", data=end(),
                         warnings_confirmed=True)  # fmt: skip
    assert "仍在办理" in exc.value.errors["__all__"][0]
    org.refresh_from_db()
    assert org.status == "normal"
    # a revocation (a penalty) only warns of it
    end_registration(actor=officer, channel="form", organization=org, act="revoke", data=end(),
                     warnings_confirmed=True)  # fmt: skip
    org.refresh_from_db()
    assert org.status == "revoked"


def test_deregistration_of_a_listed_organization_is_warned_and_confirmed(officer, listed_person):
    org = Role.objects.get(person=listed_person).organization
    with pytest.raises(FieldErrors) as exc:
        end_registration(actor=officer, channel="form", organization=org, act="deregister", data=end())
    assert "warnings_confirmed" in exc.value.errors
    end_registration(actor=officer, channel="form", organization=org, act="deregister", data=end(),
                     warnings_confirmed=True)  # fmt: skip
    event = AuditEvent.objects.get(action="organization.deregister")
    assert event.data["warnings_confirmed"] is True and event.data["warnings"]


# --- branches ---------------------------------------------------------------------------------------


def branch(**over):
    return {"kind": "representative", "name": "驻洛阳代表处", "head": "周代表", "head_id_number": id_number(20),
            "established_on": ago(30).isoformat(), **change(), **over}  # fmt: skip


def test_branch_add_change_close(officer, org):
    added = add_branch(actor=officer, channel="form", organization=org, data=branch())
    assert added.head_person.id_number == id_number(20) and added.head_person.name == "周代表"
    with pytest.raises(FieldErrors) as exc:
        add_branch(actor=officer, channel="form", organization=org,
                   data=branch(kind="branch", head="某", head_id_number=id_number(21)))  # fmt: skip
    assert "name" in exc.value.errors
    assert change_branch(actor=officer, channel="form", branch=added,
                         data={"name": "驻洛阳代表处", "head": "吴代表", "head_id_number": id_number(22),
                               **change()}) == ["head"]  # fmt: skip
    close_branch(actor=officer, channel="form", branch=added, data={"closed_on": today().isoformat(),
                                                                   "reason": "撤回", **change()})  # fmt: skip
    added.refresh_from_db()
    assert (
        added.head == "吴代表" and added.head_person.id_number == id_number(22) and added.closed_on == today()
    )
    acts = list(org.registration_changes.filter(branch=added).order_by("id").values_list("act", "item"))
    assert acts == [("branch_add", ""), ("branch_change", "head"), ("branch_close", "")]


@pytest.mark.parametrize("over, field", [({"head_id_number": ""}, "head_id_number"),
                                         ({"head_id_number": "410105198506010000"}, "head_id_number"),
                                         ({"head": ""}, "head")])  # fmt: skip
def test_branch_needs_its_person_in_charge_by_id_number(officer, org, over, field):
    with pytest.raises(FieldErrors) as exc:
        add_branch(actor=officer, channel="form", organization=org, data=branch(**over))
    assert list(exc.value.errors) == [field]
    assert not Branch.objects.exists() and not Person.objects.filter(id_number=id_number(20)).exists()


def test_a_listed_branch_head_needs_confirmation_kept_in_the_audit(officer, org, listed_person):
    data = branch(head=listed_person.name, head_id_number=listed_person.id_number)
    with pytest.raises(FieldErrors) as exc:
        add_branch(actor=officer, channel="form", organization=org, data=data)
    assert "screening_confirmed" in exc.value.errors and not Branch.objects.exists()
    added = add_branch(actor=officer, channel="form", organization=org, data=data, screening_confirmed=True)
    assert added.head_person == listed_person
    event = AuditEvent.objects.get(action="branch.add")
    assert event.data["screening_confirmed"] is True
    assert any("郑州市金水区失信协会" in text for text in event.data["screening"])


def test_a_new_branch_head_is_screened_and_needs_the_id_number(officer, org, listed_person):
    added = add_branch(actor=officer, channel="form", organization=org, data=branch())
    with pytest.raises(FieldErrors) as exc:
        change_branch(actor=officer, channel="form", branch=added, data={**branch(), "head": "新负责人",
                                                                          "head_id_number": ""})  # fmt: skip
    assert "head_id_number" in exc.value.errors
    to_listed = {**branch(), "head": listed_person.name, "head_id_number": listed_person.id_number}
    with pytest.raises(FieldErrors) as exc:
        change_branch(actor=officer, channel="form", branch=added, data=to_listed)
    assert "screening_confirmed" in exc.value.errors
    added.refresh_from_db()
    assert added.head == "周代表" and added.head_person.id_number == id_number(20)
    # the address alone changes without the ID number or a screening
    assert change_branch(actor=officer, channel="form", branch=added,
                         data={**branch(), "head_id_number": "", "address": "洛阳市某路"}) == ["address"]  # fmt: skip


# --- pages ------------------------------------------------------------------------------------------


def test_register_page_saves_and_shows_history(officer, login):
    client = login(officer)
    form = client.get(REGISTER).content.decode()
    assert 'name="legal_rep_id_number"' in form and 'name="document"' in form
    response = client.post(REGISTER, {**registration(), "document": pdf()})
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"]).content.decode()
    assert "金民登〔2026〕9号" in page and "行业交流、培训" in page


def test_register_page_shows_the_screening_before_saving(officer, login, listed_person):
    client = login(officer)
    data = registration(legal_rep_name=listed_person.name, legal_rep_id_number=listed_person.id_number)
    response = client.post(REGISTER, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-screening="found"' in page and "郑州市金水区失信协会" in page
    assert not Organization.objects.filter(code=data["code"]).exists()
    assert client.post(REGISTER, {**data, "screening_confirmed": "on"}).status_code == 302
    fragment = client.get(SCREEN, {"legal_rep_id_number": listed_person.id_number}).content.decode()
    assert 'data-screening="found"' in fragment
    assert (
        'data-screening="clear"' in client.get(SCREEN, {"legal_rep_id_number": id_number(9)}).content.decode()
    )


def test_branch_page_shows_the_screening_of_the_person_in_charge(officer, login, org, listed_person):
    client = login(officer)
    url = reverse("registry:branch_add", args=[org.code])
    form = client.get(url).content.decode()
    assert 'name="head_id_number"' in form and f'hx-get="{SCREEN}"' in form
    data = branch(head=listed_person.name, head_id_number=listed_person.id_number)
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-screening="found"' in page and "郑州市金水区失信协会" in page
    assert not Branch.objects.exists()
    assert client.post(url, {**data, "screening_confirmed": "on"}).status_code == 302
    detail = client.get(reverse("registry:organization_detail", args=[org.code])).content.decode()
    assert "驻洛阳代表处" in detail and listed_person.masked_id in detail
    fragment = client.get(SCREEN, {"head_id_number": listed_person.id_number}).content.decode()
    assert 'data-screening="found"' in fragment


def test_viewer_sees_no_registration_controls(personas, login, org):
    client = login(personas["viewer_jinshui"])
    page = client.get(reverse("registry:organization_detail", args=[org.code])).content.decode()
    assert reverse("registry:organization_deregister", args=[org.code]) not in page
    assert REGISTER not in client.get(reverse("registry:organization_list")).content.decode()
    assert client.get(REGISTER).status_code == 403


def test_other_region_officer_cannot_change_a_jinshui_organization(personas, login, org):
    client = login(personas["staff_xinzheng"])
    url = reverse("registry:organization_change", args=[org.code, "address"])
    assert client.post(url, change(value="新郑某地")).status_code == 404
    org.refresh_from_db()
    assert org.address == "金水路1号"


def test_change_page_without_document_shows_the_field_error(officer, login, org):
    client = login(officer)
    url = reverse("registry:organization_change", args=[org.code, "address"])
    response = client.post(url, change(value="新地址", document_number=""))
    assert response.status_code == 400
    org.refresh_from_db()
    assert org.address == "金水路1号"


def test_deregister_page_shows_the_open_case_and_refuses(officer, login, org):
    record = factories.record(org, "penalty_warning", occurred_on=ago(20))
    case = objections.file_objection(officer, channel="paper", organization=org, records=[record],
                                     reasons="警告决定已经撤销，请予核实。", received_on=today())  # fmt: skip
    client = login(officer)
    url = reverse("registry:organization_deregister", args=[org.code])
    assert case.number in client.get(url).content.decode()
    assert client.post(url, {**end(), "warnings_confirmed": "on"}).status_code == 400
    org.refresh_from_db()
    assert org.status == "normal"


def test_history_shows_statuses_in_the_reader_language(officer, login, org):
    end_registration(actor=officer, channel="form", organization=org, act="revoke", data=end())
    client = login(officer)
    url = reverse("registry:organization_detail", args=[org.code])
    assert "已撤销/吊销" in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(url).content.decode()
    assert "Revoked" in page and "Revocation of registration" in page and "已撤销/吊销" not in page


def test_registration_document_download_is_recorded_and_scoped(officer, personas, login):
    org = register_organization(actor=officer, channel="form", data={**registration(), "document": pdf()})
    row = org.registration_changes.get()
    url = reverse("registry:registration_document", args=[org.code, row.pk])
    assert login(personas["staff_xinzheng"]).get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="file.download").exists()
    response = login(officer).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(action="file.download")
    assert event.data["file"] == "registration_document" and "批复.pdf" in event.summary
