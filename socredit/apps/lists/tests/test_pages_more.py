"""More list pages: a staff proposal on a ground needing judgement (only those grounds, the records of
that organization, refusals as 400), the red list (yearly publication by administrators, candidates,
confirmation, automatic removal on the next daily run) and the responsible persons (scope, masked ID
numbers, post labels, hidden listings)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from socredit.apps.evaluation.models import CreditScore
from socredit.apps.lists import presentation, services
from socredit.apps.lists.models import ListEntry, ListProposal, PersonListing
from socredit.apps.lists.tests.conftest import ago, waive
from socredit.core.codes import mask_id_number
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def list_serious(actor, org, day, number="郑民名〔2026〕5号"):
    """Confirm the organization's open proposal (serving the prior notice first where one is required)."""
    proposal = ListProposal.objects.get(organization=org, status="proposed")
    if hasattr(services, "serve_notice") and proposal.notice_required:
        waive(actor, services.serve_notice(actor, proposal, "written", day, f"告知{number}"), day)
    return services.confirm_proposal(actor, proposal, document_number=number, decided_on=day)


# --- raising a proposal --------------------------------------------------------------------------


def test_raise_page_offers_only_the_grounds_needing_judgement(org, personas, login):
    client = login(personas["staff_jinshui"])
    response = client.get(reverse("lists:proposal_raise"), {"code": org.code})
    html = text(response)
    assert response.status_code == 200
    options = [c for c, _ in response.context["form"].fields["ground"].choices if c]
    assert options == ["R1.6(2)", "R1.6(7)", "R1.12(2)", "R1.12(8)"]
    assert 'value="R1.6(5)"' not in html and 'value="R1.12(7)"' not in html
    assert org.name in html  # the organization's records are listed for reference
    assert presentation.legal_basis("R1.12(2)")[:20] in html


def test_raise_a_proposal_with_facts_and_records(org, personas, login):
    revoked = factories.record(org, "registration_revoked", occurred_on=ago(20))
    client = login(personas["staff_jinshui"])
    response = client.post(
        reverse("lists:proposal_raise"),
        {"code": org.code.lower(), "ground": "R1.12(2)", "arose_on": ago(20).isoformat(),
         "reason": "经查，该组织提交虚假材料办理法定代表人变更登记，已被撤销变更登记。", "records": f" {revoked.pk}，"},
    )  # fmt: skip
    proposal = ListProposal.objects.get(organization=org, ground="R1.12(2)")
    assert response.status_code == 302
    assert response["Location"] == reverse("lists:proposal_detail", args=[proposal.pk])
    assert (proposal.list, proposal.status, proposal.arose_on) == ("serious", "proposed", ago(20))
    assert proposal.needs_confirmation and proposal.trigger_record_id is None
    assert list(proposal.records.all()) == [revoked]
    assert "虚假材料" in proposal.reason
    page = text(client.get(reverse("lists:proposal_list")))
    assert f'id="proposal-{proposal.pk}"' in page and services.ground_title("R1.12(2)") in page
    detail = text(client.get(reverse("lists:proposal_detail", args=[proposal.pk])))
    assert (
        "弄虚作假办理变更登记" in detail and "R1.12" not in detail.split("<main", 1)[1]
    )  # the situation, not the item


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ground": "R1.6(5)"}, "ground", "R1.6(5)"),  # a ground the records decide: not offered
        ({"reason": "  "}, "reason", "请说明事实与所依据的规定"),
        ({"code": "51410105MJ0000000X"}, "code", "管辖范围内没有"),
        ({"arose_on": ""}, "arose_on", ""),
        ({"arose_on": "2999-01-01"}, "arose_on", "不能晚于今天"),
        ({"records": "12a"}, "records", "12a"),
    ],
)
def test_a_bad_raise_is_a_400_that_says_why(org, personas, login, change, field, message):
    data = {"code": org.code, "ground": "R1.6(7)", "arose_on": ago(3).isoformat(),
            "reason": "依据《慈善法》第一百零四条", "records": ""}  # fmt: skip
    data.update(change)
    response = login(personas["staff_jinshui"]).post(reverse("lists:proposal_raise"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not ListProposal.objects.filter(organization=org).exists()


def test_records_must_be_the_organizations_own_and_in_scope(org, personas, login):
    other = factories.organization("410105")
    foreign = factories.record(other, "registration_revoked", occurred_on=ago(5))
    ListProposal.objects.all().delete()
    data = {"code": org.code, "ground": "R1.12(8)", "arose_on": ago(3).isoformat(),
            "reason": "依据某行政法规", "records": str(foreign.pk)}  # fmt: skip
    response = login(personas["staff_jinshui"]).post(reverse("lists:proposal_raise"), data)
    assert response.status_code == 400 and str(foreign.pk) in " ".join(
        response.context["form"].errors["records"]
    )
    assert not ListProposal.objects.exists()
    # an organization outside the account's region is not found (the same as missing)
    outside = login(personas["staff_xinzheng"]).post(reverse("lists:proposal_raise"), {**data, "records": ""})
    assert outside.status_code == 400 and "code" in outside.context["form"].errors


def test_viewers_cannot_raise(org, personas, login):
    client = login(personas["viewer_jinshui"])
    assert client.get(reverse("lists:proposal_raise")).status_code == 403
    data = {"code": org.code, "ground": "R1.6(2)", "arose_on": ago(3).isoformat(), "reason": "x"}
    assert client.post(reverse("lists:proposal_raise"), data).status_code == 403


# --- the red list --------------------------------------------------------------------------------


@pytest.fixture
def exemplary(org):
    """Level A, grade 4A, a signed commitment and three clean years: a red-list candidate."""
    factories.record(org, "grade_4a", occurred_on=ago(400))
    factories.record(org, "commitment_signed", occurred_on=ago(300))
    assert CreditScore.objects.get(organization=org).level == "A"
    return org


def test_red_list_publication_candidates_confirmation_and_removal(exemplary, actor, personas, login):
    uncommitted = factories.organization("410105")
    factories.record(uncommitted, "grade_5a", occurred_on=ago(400))  # A, but no commitment
    admin = login(personas["city_admin"])
    year = services.today().year
    response = admin.post(reverse("lists:red_publication"), {"year": year})
    assert response.status_code == 302 and response["Location"] == reverse("lists:red_candidates")
    [candidate] = ListProposal.objects.filter(list="red")
    assert candidate.organization == exemplary and candidate.status == "proposed"
    assert admin.post(reverse("lists:red_publication"), {"year": year}).status_code == 302
    assert ListProposal.objects.filter(list="red").count() == 1  # the run is idempotent

    client = login(personas["staff_jinshui"])
    page = text(client.get(reverse("lists:red_candidates")))
    assert exemplary.name in page and uncommitted.name not in page
    assert reverse("lists:red_confirm", args=[candidate.pk]) in page
    assert reverse("lists:red_publication") not in page  # officers do not run the publication
    bad = client.post(reverse("lists:red_confirm", args=[candidate.pk]),
                      {"document_number": "", "decided_on": ago(0).isoformat()})  # fmt: skip
    assert bad.status_code == 400 and "决定须有文号" in text(bad)
    response = client.post(reverse("lists:red_confirm", args=[candidate.pk]),
                           {"document_number": "郑民红〔2026〕1号", "decided_on": ago(0).isoformat()})  # fmt: skip
    entry = ListEntry.objects.get(organization=exemplary, list="red")
    assert response.status_code == 302
    assert response["Location"] == reverse("lists:decision_detail", args=[entry.entry_decision_id])
    members = text(client.get(reverse("lists:entry_list", args=["red"])))
    assert exemplary.name in members and "郑民红〔2026〕1号" in members

    factories.record(exemplary, "penalty_warning", occurred_on=ago(0))  # a negative record
    services.daily_run(actor, ago(0))
    entry.refresh_from_db()
    assert (entry.left_on, entry.exit_ground) == (ago(0), "RED")
    assert exemplary.name not in text(client.get(reverse("lists:entry_list", args=["red"])))


def test_only_administrators_run_the_publication_and_a_bad_year_is_a_400(exemplary, personas, login):
    staff = login(personas["staff_jinshui"])
    assert staff.post(reverse("lists:red_publication"), {"year": 2025}).status_code == 403
    assert not ListProposal.objects.filter(list="red").exists()
    admin = login(personas["city_admin"])
    for year in ("", "abc", str(services.today().year + 1)):
        assert admin.post(reverse("lists:red_publication"), {"year": year}).status_code == 400
    assert not ListProposal.objects.filter(list="red").exists()


def test_red_confirm_refuses_other_proposals_and_other_regions(exemplary, personas, login):
    services.red_list_publication(personas["city_admin"], services.today().year)
    [candidate] = ListProposal.objects.filter(list="red")
    data = {"document_number": "红1", "decided_on": ago(0).isoformat()}
    outside = login(personas["staff_xinzheng"])
    assert outside.post(reverse("lists:red_confirm", args=[candidate.pk]), data).status_code == 404
    assert exemplary.name not in text(outside.get(reverse("lists:red_candidates")))
    factories.record(exemplary, "penalty_warning", occurred_on=ago(1))
    warning = ListProposal.objects.get(organization=exemplary, list="abnormal")
    staff = login(personas["staff_jinshui"])
    assert staff.post(reverse("lists:red_confirm", args=[warning.pk]), data).status_code == 404
    assert (
        login(personas["viewer_jinshui"])
        .post(reverse("lists:red_confirm", args=[candidate.pk]), data)
        .status_code
        == 403
    )


# --- responsible persons -------------------------------------------------------------------------


@pytest.fixture
def person_listed(org, actor):
    """金水区 organization on the serious list (a fine of 60 000): its legal representative is listed."""
    factories.record(org, "penalty_fine", amount="60000", occurred_on=ago(10))
    list_serious(actor, org, ago(5))
    return PersonListing.objects.get(organization=org)


def test_person_page_masks_id_numbers_and_offers_to_show_one_when_allowed(person_listed, personas, login):
    number = person_listed.person.id_number
    url = reverse("lists:person_list")
    html = text(login(personas["staff_jinshui"]).get(url))
    assert "李法人" in html and mask_id_number(number) in html and number not in html
    assert "法定代表人" in html and "legal_rep" not in html
    assert reverse("lists:decision_detail", args=[person_listed.decision_id]) in html
    assert person_listed.retention_until.isoformat() in html
    assert "显示完整号码" not in html
    html = text(login(personas["city_admin"]).get(url))
    assert number not in html and mask_id_number(number) in html and "法定代表人" in html
    assert (
        reverse("registry:person_id_number", args=[person_listed.person_id]) in html
        and "显示完整号码" in html
    )


def test_person_page_is_scoped_and_hides_listings_no_longer_public(person_listed, personas, login):
    url = reverse("lists:person_list")
    assert "李法人" not in text(login(personas["staff_xinzheng"]).get(url))
    client = login(personas["viewer_jinshui"])
    assert "李法人" in text(client.get(url, {"q": "李法"}))
    assert "李法人" not in text(client.get(url, {"q": "无此人"}))
    person_listed.public = False
    person_listed.save(update_fields=["public"])
    assert "李法人" not in text(client.get(url))
    assert "李法人" in text(client.get(url, {"hidden": "on"}))


def test_presentation_helpers():
    assert presentation.post_label("responsible") == "负责人"
    assert presentation.post_label("unknown") == "unknown"
    basis = presentation.legal_basis("R1.6(5)")
    assert basis == "《社会组织信用信息管理办法》（民政部令第60号）：受到警告或者不满5万元罚款处罚"
