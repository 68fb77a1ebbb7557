"""Person screening (失信惩戒落实到人): a serious listing records the legal representative, whose post
in another organization is then flagged on the person page and by the API until retention ends."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from socredit.apps.lists import services
from socredit.apps.lists.models import ListEntry, ListProposal, PersonListing
from socredit.apps.lists.screening import screen_person
from socredit.apps.lists.tests.conftest import ago, confirm
from socredit.apps.registry.models import Role
from socredit.testing import factories

pytestmark = pytest.mark.django_db
URL = "/api/v1/persons/screening"


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def rep(org):
    """The legal representative of ``org``, also 秘书长 of another 金水区 organization since 2020."""
    person = Role.objects.get(organization=org, kind="legal_rep").person
    other = factories.organization("410105", name="郑州市金水区另一协会")
    factories.role(other, person, "secretary_general", dt.date(2020, 1, 1))
    return person, other


@pytest.fixture
def listed(org, actor, rep):
    factories.record(org, "penalty_fine", amount="60000", occurred_on=ago(10))
    confirm(actor, ListProposal.objects.get(organization=org, status="proposed"), ago(5))
    return rep


def warning(other):
    return f"该人员系严重违法失信组织的法定代表人/负责人，现任{other.name}的秘书长"


def test_a_serious_listing_records_the_legal_representative_and_flags_the_post_elsewhere(org, listed):
    person, other = listed
    [pl] = PersonListing.objects.filter(organization=org)
    assert (pl.person, pl.post, pl.public) == (person, "legal_rep", True)
    with translation.override("zh-hans"):
        result = screen_person(person.id_number)
    [hit] = result.listings
    assert (hit.organization_code, hit.list, hit.ground, hit.post_label) == (
        org.code,
        "serious",
        "R1.12(4)",
        "法定代表人",
    )
    assert (hit.document_number, hit.decided_on, hit.retention_until) == (
        "郑民名〔2026〕1号",
        ago(5),
        pl.retention_until,
    )
    [post] = result.posts_elsewhere  # the post in the listed organization itself is not "elsewhere"
    assert (post.organization_code, post.post, post.warning) == (
        other.code,
        "secretary_general",
        warning(other),
    )
    assert result.flagged
    # Before the decision, and for an unknown number, nothing.
    assert screen_person(person.id_number, ago(6)).listings == []
    assert not screen_person(factories.person("王无").id_number).flagged


def test_the_person_page_loads_the_screening_with_the_warning(org, listed, personas, client):
    person, other = listed
    client.force_login(personas["viewer_jinshui"])
    url = reverse("lists:person_screening", kwargs={"pk": person.pk})
    page = client.get(reverse("registry:person_detail", kwargs={"pk": person.pk})).content.decode()
    assert f'hx-get="{url}"' in page
    response = client.get(url, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert warning(other) in body and org.name in body and "郑民名〔2026〕1号" in body
    client.force_login(personas["staff_xinzheng"])
    assert client.get(url).status_code == 404


def test_the_api_screens_by_id_number_for_staff_and_pii_tokens(org, listed, personas, client, civil_affairs):
    person, other = listed
    client.force_login(personas["viewer_jinshui"])
    body = client.get(URL, {"id_number": person.id_number}).json()
    assert body["flagged"] is True and body["as_of"] == services.today().isoformat()
    assert [(x["organization_code"], x["post"], x["document_number"]) for x in body["listings"]] == [
        (org.code, "legal_rep", "郑民名〔2026〕1号")
    ]
    assert [(x["organization_code"], x["warning"]) for x in body["posts_elsewhere"]] == [
        (other.code, warning(other))
    ]
    client.logout()
    pii = factories.token(["persons:pii"], civil_affairs, name="pii")[1]
    assert client.get(URL, {"id_number": person.id_number}, **bearer(pii)).json()["flagged"] is True
    # On a day before the listing, and for an unknown person: the same empty answer, not a 404.
    early = client.get(URL, {"id_number": person.id_number, "as_of": ago(6).isoformat()}, **bearer(pii))
    assert early.json() == {
        "as_of": ago(6).isoformat(),
        "flagged": False,
        "listings": [],
        "posts_elsewhere": [],
    }
    unknown = client.get(URL, {"id_number": factories.person("王无").id_number}, **bearer(pii))
    assert (unknown.status_code, unknown.json()["listings"]) == (200, [])


def test_the_api_refuses_a_token_without_pii_and_a_bad_id_number(listed, civil_affairs, client):
    person, _ = listed
    reader = factories.token(["persons:read", "lists:read"], civil_affairs, name="reader")[1]
    response = client.get(URL, {"id_number": person.id_number}, **bearer(reader))
    assert response.status_code == 403 and "persons:pii" in response.json()["detail"]
    pii = factories.token(["persons:pii"], civil_affairs, name="pii")[1]
    bad = client.get(URL, {"id_number": "41010519850601123"}, **bearer(pii))
    assert bad.status_code == 422
    assert bad.json()["errors"] == {"id_number": ["身份证号码应为18位，实际17位"]}
    assert client.get(URL, {"id_number": person.id_number}).status_code == 401


def test_nothing_shows_after_retention_ends(org, actor, rep, personas, client):
    person, other = rep
    factories.record(org, "penalty_fine", amount="80000", occurred_on=dt.date(2019, 5, 1))
    confirm(actor, ListProposal.objects.get(organization=org, status="proposed"), dt.date(2023, 6, 1), "S1")
    assert screen_person(person.id_number, dt.date(2023, 7, 1)).flagged
    # Retention ended 2024-05-01 but the organization is still listed: kept (extend_until_list_removal).
    assert screen_person(person.id_number, dt.date(2025, 1, 1)).flagged
    entry = ListEntry.objects.get(organization=org)
    entry.left_on = dt.date(2025, 6, 1)
    entry.save()
    assert services.retention_sweep(actor, dt.date(2025, 6, 2)) == 1
    for day in (dt.date(2023, 7, 1), dt.date(2025, 6, 2), None):
        result = screen_person(person.id_number, day)
        assert (result.listings, result.posts_elsewhere) == ([], [])
    client.force_login(personas["staff_jinshui"])
    body = client.get(URL, {"id_number": person.id_number}).json()
    assert (body["listings"], body["posts_elsewhere"]) == ([], [])
    page = client.get(reverse("lists:person_screening", kwargs={"pk": person.pk})).content.decode()
    assert "无在公示期内的严重违法失信记录" in page and other.name not in page
