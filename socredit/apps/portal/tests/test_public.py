"""The public data layer against crafted data: what is public appears, nothing else does."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from socredit.apps.portal.models import PublicationSetting
from socredit.apps.portal.public import public_organization, public_profile, public_search, scrub
from socredit.apps.portal.tests.conftest import SECRET, TODAY
from socredit.core.citations import internal_codes_in

pytestmark = pytest.mark.django_db


def _text(profile: dict) -> str:
    return json.dumps(profile, ensure_ascii=False)


def test_public_organization_by_code(world):
    org = world["org"]
    assert public_organization(org.code) == org
    assert public_organization(f" {org.code.lower()} ") == org
    assert public_organization("") is None
    assert public_organization("91410105MA0000000X") is None  # well-formed, unknown
    assert public_organization("'; DROP TABLE x; --") is None
    assert public_organization("9" * 500) is None


def test_profile_holds_what_is_public(world):
    p = public_profile(world["org"], language="zh-hans")
    assert p["as_of"] == TODAY.isoformat()
    o = p["organization"]
    assert o["name"] == "郑州市金水区养老服务协会"
    assert o["former_names"] == ["金水区老年服务会"]
    assert o["region"].endswith("金水区") and o["type"] == "社会团体"
    assert p["persons"] == [{"name": "王法人", "role": "法定代表人"}]
    penalties = p["records"]["penalties"]
    assert [r["document_number"] for r in penalties] == ["金民罚〔2026〕1号"]
    fine = penalties[0]
    assert fine["amount"] == "30000.00" and fine["under_objection"] is True
    assert fine["decided_on"] == "2026-06-03" and fine["publicity_until"] == "2027-06-03"
    assert fine["authority"] and fine["legal_basis"].startswith("《")
    assert p["evaluation_grade"]["grade"] == "评估等级4A"
    assert p["evaluation_grade"]["valid_until"] == "2029-10-31"
    assert [r["document_number"] for r in p["records"]["commendations"]] == ["郑表〔2025〕7号"]
    current = p["lists"]["current"]
    assert [e["document_number"] for e in current] == ["金民异〔2026〕1号"]
    assert current[0]["under_objection"] is True
    assert current[0]["ground"] == "未按照规定时限和要求报送年度工作报告"
    assert "民政部令第60号" in current[0]["legal_basis"]
    assert current[0]["authority"] == "郑州市金水区民政局"
    history = p["lists"]["history"]
    assert [(e["document_number"], e["left_on"]) for e in history] == [("金民异〔2023〕2号", "2023-09-01")]
    assert history[0]["exit_ground"] and history[0]["exit_document_number"] == "金民异〔2023〕2号移"
    assert [c["subject"] for c in p["commitments"]] == ["公开承诺事项"]
    assert p["credit_level"] is None  # the authority has not chosen to publish levels
    assert [c["item"] for c in p["registration_changes"]] == ["法定代表人", "名称"]


def test_nothing_non_public_appears(world):
    p = public_profile(world["org"], language="zh-hans")
    text = _text(p)
    for rec in ("shared", "internal", "old", "repaired", "minor"):
        assert world[rec].document_number not in text, rec
    assert "金民严〔2025〕错3号" not in text  # annulled on an objection
    assert SECRET not in text
    assert world["rep"].id_number not in text and "[已隐去]" in text
    assert "*" not in text  # no masked ID number either
    assert "13800000000" not in text and "联系人李四" not in text
    assert "举报人钱七" not in text and "异议人赵六" not in text
    assert internal_codes_in(text) == []
    assert '"id"' not in text and "_id" not in text


def test_suspended_listing_hidden_red_listing_shown(world):
    p = public_profile(world["other"], language="zh-hans")
    assert p["lists"]["current"] == []
    assert [e["document_number"] for e in p["lists"]["red"]] == ["金民红〔2026〕5号"]


def test_profile_as_of_a_past_day(world):
    p = public_profile(world["org"], as_of=dt.date(2024, 6, 1), language="zh-hans")
    assert [r["document_number"] for r in p["records"]["penalties"]] == ["金民罚〔2024〕旧3号"]
    assert p["lists"]["current"] == [] and p["lists"]["history"][0]["left_on"] == "2023-09-01"
    assert p["commitments"] == []


def test_profile_is_deterministic_and_serialisable(world):
    a = json.dumps(public_profile(world["org"], language="zh-hans"), ensure_ascii=False, sort_keys=False)
    b = json.dumps(public_profile(world["org"], language="zh-hans"), ensure_ascii=False, sort_keys=False)
    assert a == b


def test_english_labels(world):
    p = public_profile(world["org"], language="en")
    assert p["organization"]["type"] == "Association"
    assert p["persons"][0]["role"] == "Legal representative"
    assert p["records"]["penalties"][0]["kind"] == "Penalty: fine"


def test_credit_level_only_where_the_authority_publishes(world):
    from socredit.apps.evaluation.models import CreditScore

    org = world["org"]
    CreditScore.objects.update_or_create(
        organization=org,
        defaults={"score": 70, "level": "B", "cause": "x", "model_version": "m", "as_of": TODAY,
                  "breakdown": b"", "evaluated_at": dt.datetime(2026, 12, 1, tzinfo=dt.UTC)},
    )  # fmt: skip
    org.refresh_from_db()
    assert public_profile(org)["credit_level"] is None
    assert public_search("养老服务协会").rows[0]["credit_level"] is None
    PublicationSetting.objects.create(department=world["dept"], publish_credit_level=True)
    org.registration_authority = world["dept"].name
    org.save(update_fields=["registration_authority"])
    assert public_profile(org)["credit_level"] == {"level": "B", "name": "良好", "as_of": TODAY.isoformat()}
    assert public_search("养老服务协会").rows[0]["credit_level"] == "B"
    assert [r["code"] for r in public_search("", level="B").rows] == [org.code]


def test_scrub():
    assert scrub("张三（4***************1）") == "张三"
    assert "410105198506010012" not in scrub("身份证410105198506010012")
    assert scrub("处罚（R1.6(5)）") == "处罚"


class TestSearch:
    def test_two_character_query(self, world):
        r = public_search("养老")
        assert [row["code"] for row in r.rows] == [world["org"].code] and r.total == 1

    def test_three_characters_former_name_and_code(self, world):
        org = world["org"]
        assert [row["code"] for row in public_search("老年服务").rows] == [org.code]
        assert public_search("老年服务").rows[0]["former_names"] == ["金水区老年服务会"]
        assert [row["code"] for row in public_search(org.code).rows] == [org.code]
        assert org.code in [row["code"] for row in public_search(org.code[-9:]).rows]

    def test_filters(self, world):
        assert public_search("金水区", region="金水区").total == 2
        assert public_search("金水区", region="二七区").total == 0
        assert public_search("金水区", org_type="3").total == 0
        assert public_search("", org_field="other").searched

    def test_bad_input(self, world):
        assert not public_search("").searched and public_search("").rows == []
        assert public_search("   ").rows == []
        long = public_search("长" * 201)
        assert "q" in long.errors and long.rows == []
        assert public_search("%%%").rows == [] and public_search('"*NEAR(').rows == []
        assert "region" in public_search("协会", region="没有这个地方").errors
        assert "org_type" in public_search("协会", org_type="x").errors
        assert "level" in public_search("协会", level="Z").errors

    def test_paging(self, world):
        first = public_search("金水区", per_page=1)
        second = public_search("金水区", per_page=1, page=2)
        assert first.has_next and not second.has_next
        assert first.rows[0]["code"] != second.rows[0]["code"]


def test_the_one_statement_page_answers_as_the_orm(world, monkeypatch):
    """On SQLite a page of a text search comes from one plain statement (rows and total together);
    it must give the ORM's page, order and total for every query, filter and page, published levels
    included."""
    from django.db import connection

    from socredit.apps.portal import public
    from socredit.testing import factories

    if connection.vendor != "sqlite":
        pytest.skip("the one-statement page is SQLite's")
    names = ["金水区养老服务协会", "金水区老年服务中心", "郑州市金水区慈善基金会", "二七区养老服务中心",
             "金水区文化艺术协会", "金水区金水养老院", "中原区金水路商会", "金水区IT服务协会", "金水区it培训中心"]  # fmt: skip
    for i, name in enumerate(names * 3):
        factories.organization(region_code=("410105", "410103", "410102")[i % 3], name=f"{name}{i}")
    from socredit.apps.portal.tests.test_stored import _publish_levels

    _publish_levels(world)
    cases = [("金水区", {}), ("养老服务", {}), ("服务中心", {"region": "金水区"}), ("协会", {"org_type": "1"}),
             ("金水", {"org_field": "other"}), (world["org"].code, {}), (world["org"].code[:8], {}), ("养老", {}),
             ("没有这个名字", {}), ("金水区", {"region": "二七区"}),
             # the plain comparisons of a query without letters against LIKE's folding of one with them,
             # an exact name and its prefix (relevance 1 and 2)
             ("it服务", {}), ("金水区IT", {}), ("金水区养老服务协会0", {}), ("金水区养老服务协会1", {"org_type": "1"})]  # fmt: skip
    for q, filters in cases:
        for page in (1, 2, 3, 9):
            fast = public.public_search(q, page=page, per_page=4, **filters)
            monkeypatch.setattr(public, "ONE_STATEMENT", False)
            orm = public.public_search(q, page=page, per_page=4, **filters)
            monkeypatch.setattr(public, "ONE_STATEMENT", True)
            assert (fast.rows, fast.total, fast.has_next, fast.errors) == (
                orm.rows, orm.total, orm.has_next, orm.errors,
            ), (q, filters, page)  # fmt: skip
    assert public.public_search("金水区", per_page=4).total >= 12
    # a broad search (more candidates than are sorted) is walked by the ORM, from the candidates the
    # statement's path read once: the same pages, no total
    monkeypatch.setattr(public, "SEARCH_CAP", 3)
    for q in ("金水区", "养老", "服务中心"):
        fast = public.public_search(q, per_page=4)
        monkeypatch.setattr(public, "ONE_STATEMENT", False)
        orm = public.public_search(q, per_page=4)
        monkeypatch.setattr(public, "ONE_STATEMENT", True)
        assert fast.more and fast.total is None and len(fast.rows) == 4, q
        assert (fast.rows, fast.has_next) == (orm.rows, orm.has_next), q


def test_a_broad_search_shows_exact_names_first_then_every_match_once(world, monkeypatch):
    """Above ``SEARCH_CAP`` candidates the page is not sorted: the organizations named exactly as the
    query come first (as a sorted search ranks them), then the other matches in the order they were
    registered; paging through gives every match once, on both paths."""
    from socredit.apps.portal import public
    from socredit.apps.registry.models import Organization
    from socredit.testing import factories

    others = [factories.organization(region_code="410105", name=f"金水区{i}号养老服务中心") for i in range(5)]
    exact = [factories.organization(region_code=code, name="养老服务中心") for code in ("410103", "410105")]
    monkeypatch.setattr(public, "SEARCH_CAP", 3)
    matches = set(Organization.objects.filter(name__contains="养老服务中心").values_list("code", flat=True))
    for one_statement in (True, False):
        monkeypatch.setattr(public, "ONE_STATEMENT", one_statement)
        seen: list[str] = []
        for page in range(1, 10):
            found = public.public_search("养老服务中心", page=page, per_page=2)
            assert found.total is None and found.more and found.total_text == "超过 3"
            seen += [r["code"] for r in found.rows]
            if not found.has_next:
                break
        assert seen[:2] == [o.code for o in sorted(exact, key=lambda o: (o.name_sort, o.pk))], one_statement
        rest = [c for c in seen[2:]]
        ids = dict(Organization.objects.filter(code__in=rest).values_list("code", "pk"))
        assert rest == sorted(rest, key=ids.__getitem__), "the others in the order they were registered"
        assert len(seen) == len(set(seen)) and set(seen) == matches, one_statement
        assert {o.code for o in others} <= set(rest)
        # a filter narrows both parts; a sorted search (under the cap) still ranks the exact names first
        narrowed = public.public_search("养老服务中心", region="二七区", per_page=5)
        assert [r["code"] for r in narrowed.rows] == [exact[0].code]
    monkeypatch.setattr(public, "SEARCH_CAP", 1000)
    assert [r["code"] for r in public.public_search("养老服务中心", per_page=2).rows][:2] == [
        o.code for o in sorted(exact, key=lambda o: (o.name_sort, o.pk))
    ]


def test_one_organizations_published_records_follow_the_rule(world, today_is):
    """``published_records_of`` (the profile page's statement) answers as ``published_records``."""
    from socredit.apps.records.models import CreditRecord
    from socredit.apps.records.publicity import published_records, published_records_of
    from socredit.apps.registry.models import Organization

    for day in (TODAY, dt.date(2024, 6, 1), dt.date(2027, 7, 1)):
        for org in Organization.objects.select_related("region"):
            rule = set(
                published_records(CreditRecord.objects.filter(organization=org), day).values_list(
                    "pk", flat=True
                )
            )
            assert set(published_records_of(org, day).values_list("pk", flat=True)) == rule, (org, day)
    assert published_records_of(world["org"], TODAY).filter(pk=world["fine"].pk).exists()


def test_region_names_by_language(world):
    path = world["org"].region.path
    from socredit.apps.portal.public import region_names

    assert region_names([path], "zh-hans")[path] == "河南省郑州市金水区"
    assert region_names([path], "en")[path] == "河南省 郑州市 金水区"
