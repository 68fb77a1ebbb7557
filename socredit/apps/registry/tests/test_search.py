"""Organization search through the index == a plain scan of the same organizations (1-, 2-, 3- and
18-character queries, codes, former names, punctuation, mixed Chinese and Latin), on whichever
database the tier runs on; the triggers keep the index in step; bad input is plain text."""

import random
import sqlite3

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socredit.apps.registry import search as registry_search
from socredit.apps.registry import services
from socredit.apps.registry.models import Organization, Region
from socredit.core.codes import make_social_org_code
from socredit.core.search import Searchable, code_keys, normalise, plain_scan, relevance
from socredit.core.types import OrgStatus, OrgType
from socredit.testing import factories

pytestmark = pytest.mark.django_db

ALPHABET = '郑州金水区慈善协会社区养老服务中心IT促进ABCabc（）()-"*% '
NAMES = [
    "郑州市金水区慈善协会", "金水区ABC社区服务中心", "郑州IT协会", "郑州it促进会", "abc社区",
    "ABC社区", "养老服务中心", "社区（养老）服务协会", "金水区\"星光\"志愿者协会", "100%公益促进会",
    "NEAR社区服务社", "郑州*星*协会", "慈善", "会", "A-B-C 联合会", "郑州 市 书法 协会",
]  # fmt: skip


def _bulk_orgs(n, seed=7):
    """``n`` organizations by one bulk insert (the triggers index each row): the fixed names above
    and random ones drawn from a small alphabet so that short queries hit many of them."""
    rng = random.Random(seed)
    region = Region.objects.get(code="410105")
    names = NAMES + ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 14))).strip() or "协会"
                     for _ in range(n - len(NAMES))]  # fmt: skip
    rows = [Organization(code=make_social_org_code("410105", OrgType.ASSOCIATION, 700_000 + i), name=name,
                         org_type=OrgType.ASSOCIATION.value, region=region, registration_authority="金水区民政局",
                         registered_on="2015-03-01") for i, name in enumerate(names)]  # fmt: skip
    Organization.objects.bulk_create(rows)
    return list(Organization.objects.all())


def _scan(query):
    orgs = [Searchable(o.id, o.code, o.name, o.former_names) for o in Organization.objects.all()]
    return plain_scan(orgs, query)


def _indexed(query, cap=registry_search.CANDIDATE_CAP):
    return list(
        registry_search.search(Organization.objects.all(), query, cap=cap).values_list("pk", flat=True)
    )


def _queries(orgs):
    rng = random.Random(3)
    out = ["会", "区", "A", "a", "c", "I", "协会", "社区", "it", "IT协会", "ABC社区", "abc社区", "金水区",
           "慈善协会", "（养老）", "(", "）", '"', '"星光"', "*", "%", "_", "-", "NEAR", "near 社区", "A-B",
           "书法 协会", "  书法   协会 ", "5", "51", "无此名称的组织", "郑州市金水区慈善协会"]  # fmt: skip
    for org in rng.sample(orgs, 12):
        out += [org.code, org.code[:6], org.code[:3], org.code[5:12], org.code.lower(), org.code[-2:]]
        # inside the head, across head and tail at every place, inside the tail, the tail's end
        out += [org.code[1:5], org.code[2:8], org.code[7:10], org.code[4:14], org.code[9:17], org.code[-3:]]
        if len(org.name) >= 3:
            start = rng.randrange(len(org.name) - 2)
            out += [org.name[start : start + 3], org.name[start : start + 2], org.name[start]]
    return out


@pytest.fixture
def orgs(db):
    return _bulk_orgs(160)


def test_sqlite_trigram_tokenizer_finds_nothing_below_three_characters():
    """Why short queries have their own index: the trigram table answers 1–2 characters with no
    rows (no error) on the SQLite bundled with Python, by MATCH and by LIKE alike."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(name, tokenize='trigram')")
    db.execute("INSERT INTO t VALUES ('郑州市金水区慈善协会')")
    for query in ("会", "协会"):
        assert db.execute("SELECT count(*) FROM t WHERE t MATCH ?", [f'"{query}"']).fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM t WHERE name LIKE ?", [f"%{query}%"]).fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM t WHERE t MATCH ?", ['"慈善协会"']).fetchone() == (1,)


@pytest.mark.parametrize("cap", [registry_search.CANDIDATE_CAP, 3], ids=["sorted", "walked"])
def test_indexed_search_equals_a_plain_scan(orgs, cap):
    """Both ways of answering (few candidates: sorted by relevance; many: walked in id order) find
    exactly the organizations the plain scan finds."""
    for query in _queries(orgs):
        found = _indexed(query, cap)
        assert sorted(found) == sorted(_scan(query)), query
        assert len(found) == len(set(found))


def test_relevance_order_equals_the_plain_scan(orgs):
    """Exact code, exact name, prefix, other; then name and id — the order of the plain scan (on
    PostgreSQL names sort by the database's collation: compare the tiers there)."""
    by_id = {o.id: o for o in Organization.objects.all()}
    for query in _queries(orgs):
        found, expected = _indexed(query), _scan(query)
        q = normalise(query)
        tiers = [
            relevance(Searchable(i, by_id[i].code, by_id[i].name, by_id[i].former_names), q) for i in found
        ]
        assert tiers == sorted(tiers), query
        if connection.vendor == "sqlite":
            assert found == expected, query


def _more_community_centres(n=9):
    for i in range(n):
        factories.organization(region_code="410105", name=f"金水区第{i + 1}社区服务中心")


def test_many_matches_are_walked_in_id_order(orgs):
    _more_community_centres()
    for query in ("会", "协会", "社区", "5", "服务中", "社区服务", "金水区"):
        assert len(_scan(query)) > 3, query
        assert _indexed(query, cap=3) == sorted(_scan(query)), query


def test_a_walk_keeps_the_callers_filters_and_pages(orgs):
    """A broad name search (on SQLite walked through the trigram index in id order) composes with
    the caller's filters, counts and slices like any queryset."""
    _more_community_centres()
    mine = {o.id for o in Organization.objects.all()[::2]}
    Organization.objects.exclude(pk__in=mine).update(status=OrgStatus.DEREGISTERED.value)
    expected = [i for i in sorted(_scan("社区服务")) if i in mine]
    assert len(expected) > 3
    walked = registry_search.search(
        Organization.objects.filter(status=OrgStatus.NORMAL.value), "社区服务", cap=3
    )
    assert list(walked.values_list("pk", flat=True)) == expected
    assert walked.count() == len(expected)
    assert [o.pk for o in walked[1:3]] == expected[1:3]
    assert list(walked.filter(pk__gt=expected[0]).values_list("pk", flat=True)) == expected[1:]


def test_exact_code_and_exact_name_come_first(orgs):
    code = orgs[40].code
    assert _indexed(code)[0] == orgs[40].id
    assert _indexed(code.lower())[0] == orgs[40].id
    assert _indexed("慈善")[0] == Organization.objects.get(name="慈善").id
    assert _indexed("ABC社区")[0] == Organization.objects.get(name="ABC社区").id  # abc社区 too: same tier


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(alphabet=ALPHABET + "\t\u3000", min_size=1, max_size=6))
def test_any_text_is_found_as_the_plain_scan_finds_it(orgs, query):
    assert sorted(_indexed(query)) == sorted(_scan(query))
    assert sorted(_indexed(query, cap=2)) == sorted(_scan(query))


def test_latin_letters_match_regardless_of_case(orgs):
    assert (
        set(_indexed("it协会")) == set(_indexed("IT协会")) == {Organization.objects.get(name="郑州IT协会").id}
    )
    assert {Organization.objects.get(name=n).id for n in ("abc社区", "ABC社区")} <= set(_indexed("Abc社区"))


# --- Triggers keep the index in step ------------------------------------------------------------


def _in_index(org_id, query):
    return org_id in set(_indexed(query)) and org_id in set(_indexed(query, cap=0))


def test_create_rename_deregister_and_delete_keep_the_index_in_step(db):
    org = factories.organization(name="金水区晨曦读书会")
    for query in ("晨", "晨曦", "晨曦读书", org.code[:8], org.code[8:14]):
        assert _in_index(org.id, query), query
    services.update_organization(
        actor=None, channel="system", organization=org, data={"name": "金水区朝阳阅读协会"}
    )
    org.refresh_from_db()
    assert org.former_names == "金水区晨曦读书会"
    for query in ("朝", "朝阳", "朝阳阅读", "晨曦", "晨曦读书会"):  # new name and 曾用名 alike
        assert _in_index(org.id, query), query
    services.update_organization(
        actor=None, channel="system", organization=org, data={"name": "金水区星河文化协会"}
    )
    org.refresh_from_db()
    assert org.former_names.splitlines() == ["金水区晨曦读书会", "金水区朝阳阅读协会"]
    assert _in_index(org.id, "星河文化") and _in_index(org.id, "朝阳阅读") and _in_index(org.id, "晨曦")
    services.update_organization(actor=None, channel="system", organization=org,
                                 data={"status": OrgStatus.DEREGISTERED.value})  # fmt: skip
    assert _in_index(org.id, "星河") and _in_index(org.id, "星河文化")  # 注销 stays findable
    org_id = org.id
    Organization.objects.filter(pk=org_id).delete()
    assert not Organization.objects.filter(pk=org_id).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registry_org_gram WHERE organization_id = %s", [org_id])
        assert cursor.fetchone() == (0,)
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM registry_org_search WHERE registry_org_search MATCH %s",
                           ['"星河文化"'])  # fmt: skip
            assert cursor.fetchone() == (0,)


def test_a_raw_update_is_indexed_by_the_triggers(orgs):
    """Writers that bypass the services (bulk imports, benches) are indexed all the same."""
    target = Organization.objects.get(name="郑州*星*协会")
    assert target.pk in _indexed("*星*")
    Organization.objects.filter(pk=target.pk).update(name="二七区红叶舞蹈团", former_names="旧名舞蹈队")
    assert _indexed("红叶舞蹈") == [target.pk] and _indexed("红叶") == [target.pk]
    assert _indexed("旧名舞") == [target.pk] and _indexed("旧名") == [target.pk]
    assert target.pk not in _indexed("*星*") and target.pk not in _indexed("*星*", cap=0)


def test_index_tables_and_triggers_survive_the_migrations():
    """A later migration that rebuilds the organization table on SQLite would drop its triggers: the
    search index's, the maintained level counts' (evaluation) and the stored public answers' change
    stamps (portal) must all be there."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'registry_organization'"
            )
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'registry_organization'::regclass "
                           "AND NOT tgisinternal")  # fmt: skip
        names = [row[0] for row in cursor.fetchall()]
    search_triggers = 3 if connection.vendor == "sqlite" else 6  # PostgreSQL: grams and codes apart
    others = ("levelcount", "profile_stamp")
    assert sum(not n.startswith(others) for n in names) == search_triggers, names  # the search index's
    assert sum(n.startswith("levelcount") for n in names) == 3, names  # the level counts' (evaluation)
    assert sum(n.startswith("profile_stamp") for n in names) == 3, names  # the stored answers' (portal)


def _code_rows(org_id):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT suffix FROM registry_code_tail WHERE organization_id = %s ORDER BY suffix", [org_id]
        )
        return [row[0] for row in cursor.fetchall()]


def test_a_code_change_and_a_delete_keep_the_code_tables_in_step(orgs):
    target = orgs[20]
    old, new = target.code, make_social_org_code("410102", OrgType.FOUNDATION, 654_321)
    assert _code_rows(target.pk) == sorted(code_keys(old).tail_suffixes)
    Organization.objects.filter(pk=target.pk).update(code=new)
    assert _code_rows(target.pk) == sorted(code_keys(new).tail_suffixes)
    for query in (new[9:16], new[6:12], new[2:7], new[:5]):  # tail, across, head (new head), prefix
        assert target.pk in _indexed(query), query
    assert target.pk not in _indexed(old[9:17]) and target.pk not in _indexed(old)
    Organization.objects.filter(pk=target.pk).delete()
    assert _code_rows(target.pk) == []


def test_code_queries_ask_only_the_code_indexes_for_code_text(orgs):
    """A query that is not code text (Chinese, a space) cannot be in a validated code: no code
    statement is run for it; a digit query reads the code tables and the name index (names may hold
    digits) — never the trigram index for codes, which holds none."""
    assert all("code" not in sql for sql, _p in registry_search._parts("社区服务", 10))
    sqls = [sql for sql, _p in registry_search._parts("0105MJ70", 10)]
    assert sum("registry_code_" in sql for sql in sqls) == 3 and len(sqls) == 5


def test_match_count_is_exact_among_few_candidates_and_none_when_broad(orgs):
    for query in ("慈善", "IT协会", orgs[3].code[4:12]):
        searched = registry_search.search(Organization.objects.all(), query)
        assert registry_search.match_count(searched, query) == len(_scan(query)), query
        narrowed = searched.filter(name__contains="郑州")
        assert registry_search.match_count(narrowed, query) == narrowed.count()
    searched = registry_search.search(Organization.objects.all(), "会", cap=3)
    assert len(_scan("会")) > 3 and registry_search.match_count(searched, "会", cap=3) is None
    assert registry_search.is_broad("会", cap=3) and not registry_search.is_broad("", cap=3)


# --- Bad input: plain text, never a syntax or server error -------------------------------------

BAD = ['"', '""', '"社区', "*", "社区*", "NEAR", "NEAR(社区 协会)", "社区 OR 协会", "社区 AND NOT 协会", "(", ")",
       "！？。，、", "...", "%", "_", "\\", "'; DROP TABLE x; --", "^社区", "name:社区", "协" * 101, "协会" * 150,
       "\u3000"]  # fmt: skip


@pytest.mark.parametrize("query", BAD)
def test_bad_queries_are_plain_text_on_the_page_and_the_api(
    orgs, personas, login, client, civil_affairs, query
):
    assert sorted(_indexed(query)) == sorted(_scan(query))
    page = login(personas["city_admin"]).get("/organizations/", {"q": query})
    assert page.status_code == 200
    _, raw = factories.token(["organizations:read"], civil_affairs)
    client.logout()
    response = client.get("/api/v1/organizations", {"q": query}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200, response.content
    assert {o["code"] for o in response.json()["items"]} <= {o.code for o in Organization.objects.all()}


def test_api_search_keeps_relevance_order(orgs, client, civil_affairs):
    _, raw = factories.token(["organizations:read"], civil_affairs)
    response = client.get("/api/v1/organizations", {"q": "慈善"}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    codes = [o["code"] for o in response.json()["items"]]
    by_id = dict(Organization.objects.values_list("pk", "code"))
    assert codes[0] == Organization.objects.get(name="慈善").code
    assert set(codes) <= {by_id[i] for i in _scan("慈善")}
    if connection.vendor == "sqlite":
        assert codes == [by_id[i] for i in _scan("慈善")][: len(codes)]


def test_a_null_character_is_a_field_error_not_a_server_error(orgs, personas, login, client, civil_affairs):
    """Django refuses NUL in any text field: the API names the field (422), the page shows the form."""
    assert login(personas["city_admin"]).get("/organizations/", {"q": "社区\x00"}).status_code == 200
    _, raw = factories.token(["organizations:read"], civil_affairs)
    client.logout()
    response = client.get("/api/v1/organizations", {"q": "社区\x00"}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 422 and "q" in response.json()["errors"]


def test_api_finds_an_organization_by_a_former_name_and_shows_them(db, client, civil_affairs):
    org = factories.organization(name="金水区晨曦读书会")
    services.update_organization(
        actor=None, channel="system", organization=org, data={"name": "金水区朝阳阅读协会"}
    )
    _, raw = factories.token(["organizations:read"], civil_affairs)
    for query in ("晨曦读书", "晨曦"):
        items = client.get("/api/v1/organizations", {"q": query}, HTTP_AUTHORIZATION=f"Bearer {raw}").json()[
            "items"
        ]
        assert [(o["code"], o["name"], o["former_names"]) for o in items] == [
            (org.code, "金水区朝阳阅读协会", ["金水区晨曦读书会"])
        ], query
    one = client.get(f"/api/v1/organizations/{org.code}", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert one["former_names"] == ["金水区晨曦读书会"]
