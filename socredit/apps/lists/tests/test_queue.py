"""The proposal queue (列入建议队列): paging, filters with their counts, sort, region scope, the HTMX
table, and the bulk actions (one bad proposal among many: the others succeed, the bad one is
reported and left as it was)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from socredit.apps.audit.models import AuditEvent
from socredit.apps.lists import services
from socredit.apps.lists.models import ListDecision, ListNotice, ListProposal
from socredit.apps.lists.queue import PER_PAGE, ProposalQueue
from socredit.apps.lists.tests.conftest import ago, notify, waive
from socredit.common.errors import FieldErrors
from socredit.testing import factories

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def text(response):
    return response.content.decode()


def row_ids(html):
    return [int(i) for i in re.findall(r'<tr id="proposal-(\d+)"', html)]


def made(org, ground="R1.6(5)", lst="abnormal", days=10, **extra):
    """An open proposal written directly (reading tests: the queue only reads these rows)."""
    return ListProposal.objects.create(organization=org, list=lst, ground=ground, arose_on=ago(days), **extra)


@pytest.fixture
def city(personas, civil_affairs):
    """30 open proposals in 金水区 over three organizations, 3 in 新郑市, and closed ones that never show."""
    a = factories.organization("410105", name="金水甲协会")
    b = factories.organization("410105", name="金水乙协会")
    c = factories.organization("410105", name="金水丙基金会")
    x = factories.organization("410184", name="新郑某商会")
    rows = []
    for i in range(30):
        org = (a, b, c)[i % 3]
        if i % 5 == 0:
            rows.append(made(org, "R1.12(4)", "serious", days=400 + i))
        else:
            rows.append(made(org, "R1.6(1)" if i % 2 else "R1.6(5)", days=i * 3))
    xs = [made(x, days=5), made(x, days=6), made(x, "R1.12(4)", "serious", days=7)]
    made(a, status="confirmed")
    made(b, status="withdrawn")
    return {"a": a, "b": b, "c": c, "x": x, "rows": rows, "xs": xs}


def test_pages_of_25_with_the_exact_total_and_no_closed_proposals(city, personas, login):
    client = login(personas["staff_jinshui"])
    first = text(client.get(reverse("lists:proposal_list")))
    ids = row_ids(first)
    oldest = sorted(city["rows"], key=lambda p: (p.arose_on, p.pk))
    assert ids == [p.pk for p in oldest[:PER_PAGE]]
    assert "30 项待处理列入建议" in first and "page=2" in first
    second = text(client.get(reverse("lists:proposal_list"), {"page": 2}))
    assert row_ids(second) == [p.pk for p in oldest[PER_PAGE:]] and "page=3" not in second
    assert row_ids(text(client.get(reverse("lists:proposal_list"), {"page": "x"}))) == ids
    for beyond in ("3", str(10**30), "9" * 5000):
        past = client.get(reverse("lists:proposal_list"), {"page": beyond})
        assert past.status_code == 200 and row_ids(text(past)) == []
        assert "超出末页" in past.content.decode()
    city_wide = text(login(personas["city_admin"]).get(reverse("lists:proposal_list")))
    assert "33 项待处理列入建议" in city_wide


def test_filters_narrow_the_queue_and_count_each_value_under_the_others(city, personas, today_is):
    today_is(services.today())
    user = personas["staff_jinshui"]
    q = ProposalQueue(user, {"list": "serious"})
    facets = {f.name: {v["key"]: v["n"] for v in f.values} for f in q.facets()}
    assert q.total(q.facets()) == 6 and facets["list"] == {"abnormal": 24, "serious": 6, "red": 0}
    assert facets["ground"] == {"R1.12(4)": 6}  # the ground counts under the list filter
    assert facets["age"] == {"0-30": 0, "31-90": 0, "91-365": 0, "365+": 6}
    assert facets["region"] == {}  # 金水区 has no districts below it
    q = ProposalQueue(user, {"ground": "R1.6(1)", "age": "0-30"})
    expected = {
        p.pk for p in city["rows"] if p.ground == "R1.6(1)" and (services.today() - p.arose_on).days <= 30
    }
    assert {p.pk for p in q.page(1).rows} == expected and q.total(q.facets()) == len(expected)
    served = city["rows"][1]
    notify(user, served, ago(1))
    q = ProposalQueue(user, {"state": "served"})
    assert [p.pk for p in q.page(1).rows] == [served.pk]
    states = {v["key"]: v["n"] for f in q.facets() if f.name == "state" for v in f.values}
    assert states["served"] == 1 and states["not_served"] == 29
    by_name = ProposalQueue(user, {"q": "丙基金"})
    assert {p.organization_id for p in by_name.page(1).rows} == {city["c"].pk}
    by_code = ProposalQueue(user, {"q": city["a"].code.lower()})
    assert {p.organization_id for p in by_code.page(1).rows} == {city["a"].pk}


def test_region_counts_and_filter_for_the_city(city, personas):
    q = ProposalQueue(personas["city_admin"], {})
    regions = {v["key"]: v["n"] for f in q.facets() if f.name == "region" for v in f.values}
    assert regions == {"410105": 30, "410184": 3}
    q = ProposalQueue(personas["city_admin"], {"region": "410184"})
    assert {p.pk for p in q.page(1).rows} == {p.pk for p in city["xs"]}
    # the region is named as staff name it, and picked from the same suggestions as the organization list
    for named in ("新郑市", "新郑", "郑州市新郑市（410184）"):
        by_name = ProposalQueue(personas["city_admin"], {"region": named})
        assert by_name.valid and {p.pk for p in by_name.page(1).rows} == {p.pk for p in city["xs"]}, named
    regions = {v["key"] for f in ProposalQueue(personas["city_admin"], {"region": "郑州市"}).facets()
               if f.name == "region" for v in f.values}  # fmt: skip
    assert regions == {"410105", "410184"}  # the facet lists the regions below the one chosen


def test_an_unknown_region_is_said_by_name(city, personas, login):
    client = login(personas["city_admin"])
    response = client.get(reverse("lists:proposal_list"), {"region": "不存在区"})
    assert response.status_code == 400
    assert "“不存在区”" in text(response) and 'list="region-options"' in text(response)


def test_sorts(city, personas, login):
    client = login(personas["staff_jinshui"])
    newest = row_ids(text(client.get(reverse("lists:proposal_list"), {"sort": "-arose"})))
    assert (
        newest
        == [p.pk for p in sorted(city["rows"], key=lambda p: (p.arose_on, p.pk), reverse=True)][:PER_PAGE]
    )
    by_org = ProposalQueue(personas["staff_jinshui"], {"sort": "organization"}).matching_ids()
    names = list(ListProposal.objects.filter(pk__in=by_org).values_list("pk", "organization__name"))
    order = {pk: name for pk, name in names}
    assert [order[pk] for pk in by_org] == sorted(order[pk] for pk in by_org)
    by_ground = ProposalQueue(personas["staff_jinshui"], {"sort": "ground"}).matching_ids()
    grounds = dict(ListProposal.objects.filter(pk__in=by_ground).values_list("pk", "ground"))
    assert [grounds[pk] for pk in by_ground] == sorted(grounds.values())


def test_a_district_officer_never_sees_another_districts_proposals(city, personas, login):
    client = login(personas["staff_jinshui"])
    for query in ({}, {"region": "410184"}, {"q": "新郑"}, {"list": "serious"}):
        html = text(client.get(reverse("lists:proposal_list"), query))
        assert "新郑某商会" not in html and not set(row_ids(html)) & {p.pk for p in city["xs"]}
    assert client.get(reverse("lists:proposal_detail", args=[city["xs"][0].pk])).status_code == 404
    assert "新郑市" not in text(client.get(reverse("lists:proposal_list")))


def test_the_htmx_table_and_a_bad_filter(city, personas, login):
    client = login(personas["staff_jinshui"])
    part = client.get(reverse("lists:proposal_list"), {"list": "serious"}, **HX)
    assert part.status_code == 200 and "<html" not in text(part) and len(row_ids(text(part))) == 6
    assert client.get(reverse("lists:proposal_list"), {"age": "forever"}).status_code == 400


def test_the_proposal_page_links_back_to_the_queue_with_its_filters(city, personas, login):
    client = login(personas["staff_jinshui"])
    html = text(client.get(reverse("lists:proposal_list"), {"list": "serious"}))
    p = city["rows"][0]
    assert f"{reverse('lists:proposal_detail', args=[p.pk])}?back=list%3Dserious" in html
    page = text(client.get(reverse("lists:proposal_detail", args=[p.pk]), {"back": "list=serious"}))
    assert f'href="{reverse("lists:proposal_list")}?list=serious"' in page
    refused = client.post(
        f"{reverse('lists:proposal_confirm', args=[p.pk])}?back=list%3Dserious", {"document_number": ""}
    )
    body = text(refused)
    assert refused.status_code == 400 and "决定须有文号" in body
    assert body.index("决定须有文号") < body.index('class="card proposal"')  # the error is at the top
    dismissed = client.post(
        f"{reverse('lists:proposal_dismiss', args=[p.pk])}?back=list%3Dserious",
        {"reason": "情节轻微，已改正"},
    )
    assert (
        dismissed.status_code == 302
        and dismissed["Location"] == f"{reverse('lists:proposal_list')}?list=serious"
    )


# --- bulk actions --------------------------------------------------------------------------------


@pytest.fixture
def warned(personas, civil_affairs):
    """Four 金水区 organizations with a warning each (an open R1.6(5) proposal) and one in 新郑市."""
    orgs = [factories.organization("410105", name=f"批量{n}协会") for n in "甲乙丙丁"]
    xinzheng = factories.organization("410184", name="新郑批量协会")
    for org in [*orgs, xinzheng]:
        factories.record(org, "penalty_warning", occurred_on=ago(20))
    props = [ListProposal.objects.get(organization=o) for o in orgs]
    return {"orgs": orgs, "props": props, "xinzheng": ListProposal.objects.get(organization=xinzheng)}


def test_bulk_notices_one_number_each_and_the_bad_ones_reported_untouched(warned, actor):
    a, b, c, d = warned["props"]
    services.dismiss_proposal(actor, d, reason="情节轻微")
    x = warned["xinzheng"]
    result = services.bulk_serve_notices(
        actor,
        [a.pk, x.pk, b.pk, d.pk, c.pk],
        served_on=ago(3),
        number_pattern="金民告〔2026〕{seq}号",
        start=7,
    )
    assert [(p.pk, n.document_number) for p, n in result.done] == [
        (a.pk, "金民告〔2026〕7号"), (b.pk, "金民告〔2026〕8号"), (c.pk, "金民告〔2026〕9号"),
    ]  # fmt: skip
    reasons = {f.proposal_id: f for f in result.failed}
    assert set(reasons) == {x.pk, d.pk}
    assert "不在你的辖区内" in reasons[x.pk].reason and reasons[x.pk].organization_name == ""
    assert "已处理" in reasons[d.pk].reason and reasons[d.pk].organization_code == d.organization.code
    assert not x.notices.exists() and not d.notices.exists()
    assert AuditEvent.objects.filter(action="lists.notice").count() == 3
    bulk = AuditEvent.objects.get(action="lists.bulk_notice")
    assert bulk.data["done"] == [a.pk, b.pk, c.pk] and len(bulk.data["failed"]) == 2


def test_bulk_decisions_one_without_notice_among_many(warned, actor):
    a, b, c, d = warned["props"]
    for n, p in enumerate((a, b, d), start=1):
        waive(actor, notify(actor, p, ago(5), f"金民告〔2026〕{n}号"), ago(5))
    result = services.bulk_confirm(
        actor, [a.pk, c.pk, b.pk, d.pk], decided_on=ago(1), number_pattern="金民决〔2026〕{seq}号", start=1
    )
    assert [n.document_number for _p, n in result.done] == [
        "金民决〔2026〕1号",
        "金民决〔2026〕2号",
        "金民决〔2026〕3号",
    ]
    [failure] = result.failed
    assert failure.proposal_id == c.pk and failure.organization_name == "批量丙协会"
    assert "尚未送达事先告知书" in failure.reason
    c.refresh_from_db()
    assert c.status == "proposed" and c.decision_id is None
    assert not ListDecision.objects.filter(organization=c.organization).exists()
    assert ListDecision.objects.filter(kind="entry").count() == 3
    assert AuditEvent.objects.filter(action="lists.entry").count() == 3
    assert AuditEvent.objects.filter(action="lists.bulk_confirm").count() == 1


def test_bulk_refuses_a_bad_pattern_or_used_numbers_before_writing_anything(warned, actor):
    ids = [p.pk for p in warned["props"]]
    with pytest.raises(FieldErrors) as err:
        services.bulk_serve_notices(actor, ids, served_on=ago(1), number_pattern="金民告〔2026〕号", start=1)
    assert "{seq}" in err.value.errors["number_pattern"][0]
    notify(actor, warned["props"][0], ago(2), "金民告〔2026〕2号")
    with pytest.raises(FieldErrors) as err:
        services.bulk_serve_notices(
            actor, ids[1:], served_on=ago(1), number_pattern="金民告〔2026〕{seq}号", start=1
        )
    assert "金民告〔2026〕2号" in err.value.errors["start"][0]
    assert ListNotice.objects.count() == 1
    with pytest.raises(FieldErrors):
        services.bulk_confirm(actor, [], decided_on=ago(1), number_pattern="X{seq}", start=1)


def test_bulk_through_the_page(warned, personas, login):
    client = login(personas["staff_jinshui"])
    a, b, _c, _d = warned["props"]
    x = warned["xinzheng"]
    queue = text(client.get(reverse("lists:proposal_list")))
    assert 'id="bulk-form"' in queue and f'name="ids" value="{a.pk}"' in queue
    form = {"action": "notice", "day": ago(2).isoformat(), "number_pattern": "金民告〔2026〕{seq}号", "start": "1",
            "ids": [str(a.pk), str(x.pk), str(b.pk)]}  # fmt: skip
    response = client.post(reverse("lists:proposal_bulk"), form)
    html = text(response)
    assert response.status_code == 200 and "金民告〔2026〕1号" in html and "金民告〔2026〕2号" in html
    assert "不在你的辖区内" in html and "新郑批量协会" not in html
    assert not x.notices.exists()
    services.dismiss_proposal(personas["staff_jinshui"], a, reason="情节轻微")
    again = client.post(reverse("lists:proposal_bulk"), {**form, "ids": [str(a.pk)], "start": "3"})
    assert again.status_code == 400 and "已处理" in text(again) and "批量甲协会" in text(again)
    assert a.notices.count() == 1
    bad = client.post(reverse("lists:proposal_bulk"), {**form, "number_pattern": "无序号", "start": "5"})
    assert bad.status_code == 400 and "{seq}" in text(bad)
    viewer = login(personas["viewer_jinshui"])
    assert viewer.post(reverse("lists:proposal_bulk"), form).status_code == 403


def test_bulk_decisions_respect_the_statement_period(warned, actor, today_is):
    a, b, _c, _d = warned["props"]
    today_is(dt.date(2026, 12, 3))  # a Thursday: 5 working days from Monday 11-30 end on Monday 12-07
    notify(actor, a, dt.date(2026, 11, 30), "金民告〔2026〕1号")
    waive(actor, notify(actor, b, dt.date(2026, 11, 30), "金民告〔2026〕2号"), dt.date(2026, 11, 30))
    result = services.bulk_confirm(
        actor, [a.pk, b.pk], decided_on=dt.date(2026, 12, 3), number_pattern="金民决〔2026〕{seq}号", start=1
    )
    assert [p.pk for p, _n in result.done] == [b.pk]
    [failure] = result.failed
    assert (
        failure.proposal_id == a.pk
        and "陈述申辩期限尚未届满" in failure.reason
        and "2026-12-07" in failure.reason
    )
    a.refresh_from_db()
    assert a.status == "proposed" and not ListDecision.objects.filter(organization=a.organization).exists()


def test_bulk_on_all_matching_the_filters(warned, personas, login, actor):
    client = login(personas["staff_jinshui"])
    a, b, c, d = warned["props"]
    waive(actor, notify(actor, a, ago(5), "金民告〔2026〕1号"), ago(5))
    form = {"action": "confirm", "day": ago(1).isoformat(), "number_pattern": "金民决〔2026〕{seq}号", "start": "1",
            "all_matching": "on", "query": "state=served"}  # fmt: skip
    response = client.post(reverse("lists:proposal_bulk"), form)
    assert response.status_code == 200
    assert [p.status for p in ListProposal.objects.filter(pk__in=[a.pk, b.pk, c.pk, d.pk]).order_by("pk")] == [
        "confirmed", "proposed", "proposed", "proposed",
    ]  # fmt: skip


def test_the_organization_page_links_to_its_open_proposals(warned, personas, login):
    org = warned["orgs"][0]
    p = warned["props"][0]
    client = login(personas["viewer_jinshui"])
    section = text(client.get(reverse("lists:organization_lists", args=[org.code]), **HX))
    assert reverse("lists:proposal_detail", args=[p.pk]) in section
    assert f"{reverse('lists:proposal_list')}?q={org.code}" in section
    queue = text(client.get(reverse("lists:proposal_list"), {"q": org.code}))
    assert row_ids(queue) == [p.pk]


def test_a_region_move_moves_the_queue_copy(warned, personas):
    from socredit.apps.registry.services import update_organization

    org = warned["orgs"][0]
    update_organization(
        actor=personas["superuser"], channel="form", organization=org, data={"region": "410184"}
    )
    p = warned["props"][0]
    p.refresh_from_db()
    assert p.region.code == "410184"
    assert p.pk not in ProposalQueue(personas["staff_jinshui"], {}).matching_ids()
    assert p.pk in ProposalQueue(personas["staff_xinzheng"], {"region": "410184"}).matching_ids()


def test_an_import_that_moves_an_organization_moves_the_queue_copy(warned, personas):
    from socredit.apps.imports.columns import ORGANIZATION_COLUMNS
    from socredit.apps.imports.services import run_import
    from socredit.common.imports import write_csv

    org = warned["orgs"][1]
    row = {c.field: "" for c in ORGANIZATION_COLUMNS}
    row.update(code=org.code, name=org.name, region="410184", registered_on=org.registered_on.isoformat())
    content = write_csv(
        [c.title for c in ORGANIZATION_COLUMNS], [[row[c.field] for c in ORGANIZATION_COLUMNS]]
    )
    run = run_import(actor=personas["city_admin"], channel="import", kind="organizations", content=content,
                     file_name="o.csv", dry_run=False)  # fmt: skip
    assert run.updated == 1, run.errors
    p = warned["props"][1]
    p.refresh_from_db()
    assert p.region.code == "410184"
    ids = ProposalQueue(personas["city_admin"], {"region": "410184"}).matching_ids()
    assert p.pk in ids and warned["xinzheng"].pk in ids


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"ground": "R1.6(5)"},
        {"region": "410105"},
        {"list": "serious", "age": "0-30"},
        {"state": "served"},
    ],
)
def test_the_counts_read_a_queue_index_alone(city, personas, filters):
    """EXPLAIN QUERY PLAN (SQLite): every grouped count is a search of a covering queue index — no
    table row, no organization or record joined, whatever the filters."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("query plans are checked on SQLite")
    with CaptureQueriesContext(connection) as queries:
        ProposalQueue(personas["city_admin"], filters).facets()
    counts = [
        x["sql"] for x in queries.captured_queries if x["sql"].startswith('SELECT "lists_listproposal"')
    ]
    assert len(counts) == 2  # the grouped scan and the counts per region
    for sql in counts:
        with connection.cursor() as cursor:
            plan = " / ".join(row[3] for row in cursor.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall())
        assert "USING COVERING INDEX lists_prop_queue" in plan, plan
        assert "registry_organization" not in plan and "records_creditrecord" not in plan, plan


def test_the_queue_in_english(city, personas, login):
    from django.conf import settings

    client = login(personas["staff_jinshui"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = text(client.get(reverse("lists:proposal_list")))
    assert (
        "30 open proposals" in html and "Days since the ground arose" in html and "notice not served" in html
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    html = text(client.get(reverse("lists:proposal_list")))
    assert "30 项待处理列入建议" in html and "事由发生距今天数" in html and "未送达事先告知" in html
