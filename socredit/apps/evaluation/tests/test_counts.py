"""The maintained organization counts (registry.RegionLevelCount, per region, type, status, field and
level) equal a full recount after any sequence of the operations that change them: organizations
created in random regions with random types and fields (one by one and in one multi-row insert),
records that change levels, changes of status, field and type (through the service and as raw
multi-row updates), a region move, deletion, batch evaluations (whole country, one region, a past
day). Checked after every step for the national, province, city and county scopes under filters,
and through the organization list page's own numbers, which must never come from a scan of the
organization or score table."""

import datetime as dt
import itertools
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from socredit.apps.evaluation import counts, services
from socredit.apps.registry import services as registry
from socredit.apps.registry.filters import ALL_LEVELS, NOT_EVALUATED, maintained_level_counts
from socredit.apps.registry.models import NationalCount, Organization, Region, RegionLevelCount
from socredit.common.access import SystemPrincipal
from socredit.core.codes import make_social_org_code
from socredit.core.types import OrgField, OrgStatus, OrgType
from socredit.testing import factories

pytestmark = pytest.mark.django_db

REGIONS = ["410105", "410184", "410102", "410100", "420102", "410000"]
SCOPES = ["", "/100000/", "/100000/410000/", "/100000/410000/410100/", "/100000/410000/410100/410105/",
          "/100000/420000/"]  # fmt: skip
RECORDS = [("penalty_warning", {}), ("penalty_fine", {"amount": "60000"}), ("grade_5a", {}),
           ("penalty_fine", {"amount": "800"}), ("annual_report_late", {})]  # fmt: skip
SYSTEM = SystemPrincipal("test")
TYPES = [OrgType.ASSOCIATION, OrgType.SERVICE_INSTITUTION, OrgType.FOUNDATION]
FIELDS = [OrgField.CHARITY.value, OrgField.EDUCATION.value, OrgField.OTHER.value]
STATUSES = [s.value for s in OrgStatus]
KINDS = [{}, {"org_type": "1"}, {"org_type": "3"}, {"status": "normal"}, {"status": "deregistered"},
         {"field": "charity"}, {"org_type": "2", "status": "normal", "field": "education"},
         {"org_type": "1", "status": "suspended"}]  # fmt: skip
"""Filter combinations the reads are checked under (the check of every key covers the rest)."""
_serial = itertools.count(800_000)


def recount_under(path, **kind):
    """Organizations per level under a region path (and of this kind), counted from the organizations themselves."""
    out = dict.fromkeys(ALL_LEVELS, 0)
    for level in Organization.objects.filter(region__path__startswith=path, **kind).values_list(
        "credit__level", flat=True
    ):
        out[level or NOT_EVALUATED] += 1
    return out


class CountsMachine(RuleBasedStateMachine):
    """Each example runs in a transaction of its own, rolled back at its end: a clean database."""

    orgs = Bundle("orgs")

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.today = services.today()

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    @rule(
        target=orgs,
        region=st.sampled_from(REGIONS),
        org_type=st.sampled_from(TYPES),
        field=st.sampled_from(FIELDS),
    )
    def create_organization(self, region, org_type, field):
        return factories.organization(region_code=region, org_type=org_type, field=field).pk

    @rule(region=st.sampled_from(REGIONS), n=st.integers(2, 4), org_type=st.sampled_from(TYPES))
    def insert_many(self, region, n, org_type):
        """A raw multi-row insert (one statement: one statement trigger on PostgreSQL)."""
        place = Region.objects.get(code=region)
        serials = [next(_serial) for _ in range(n)]
        Organization.objects.bulk_create(
            Organization(code=make_social_org_code(region, org_type, serials[i]), name=f"批量组织{serials[i]}",
                         org_type=org_type.value, region=place, registered_on=dt.date(2015, 3, 1),
                         status=STATUSES[i % len(STATUSES)], field=FIELDS[i % len(FIELDS)])
            for i in range(n)
        )  # fmt: skip

    @rule(pk=orgs, field=st.sampled_from(FIELDS))
    def change_field(self, pk, field):
        org = Organization.objects.filter(pk=pk).first()
        if org is not None:
            registry.update_organization(
                actor=SYSTEM, channel="system", organization=org, data={"field": field}
            )

    @rule(region=st.sampled_from(REGIONS), status=st.sampled_from(STATUSES), org_type=st.sampled_from(TYPES))
    def raw_update_many(self, region, status, org_type):
        """A raw update of every organization of a region: status and type at once, several rows."""
        Organization.objects.filter(region__code=region).update(status=status, org_type=org_type.value)

    @rule(pk=orgs, which=st.sampled_from(RECORDS), ago=st.integers(1, 900))
    def add_record(self, pk, which, ago):
        org = Organization.objects.filter(pk=pk).first()
        if org is not None:  # not deleted meanwhile
            kind, extra = which
            factories.record(org, kind, occurred_on=self.today - dt.timedelta(days=ago), **extra)

    @rule(pk=orgs)
    def deregister(self, pk):
        org = Organization.objects.filter(pk=pk).first()
        if org is not None:
            registry.update_organization(actor=SYSTEM, channel="system", organization=org,
                                         data={"status": OrgStatus.DEREGISTERED.value})  # fmt: skip

    @rule(pk=orgs, region=st.sampled_from(REGIONS))
    def move(self, pk, region):
        org = Organization.objects.filter(pk=pk).first()
        if org is not None:
            registry.update_organization(
                actor=SYSTEM, channel="system", organization=org, data={"region": region}
            )

    @rule(pk=orgs)
    def delete_without_records(self, pk):
        """The admin's delete (the score and level history go with it); only without records."""
        org = Organization.objects.filter(pk=pk).first()
        if org is not None and not org.records.exists():
            org.delete()

    @rule(region=st.sampled_from([None, "410100", "410184"]), ago=st.sampled_from([0, 0, 400]))
    def batch_evaluation(self, region, ago):
        services.run_evaluation(
            actor=SYSTEM, channel="system", as_of=self.today - dt.timedelta(days=ago),
            region=Region.objects.get(code=region) if region else None,
        )  # fmt: skip

    @invariant()
    def maintained_equal_recount(self):
        assert counts.check_counts() == {}
        for path in SCOPES:
            for kind in KINDS:
                assert maintained_level_counts(path, **kind) == recount_under(path, **kind), (path, kind)


@pytest.mark.slow
def test_maintained_counts_equal_a_full_recount(personas):
    run_state_machine_as_test(
        CountsMachine,
        settings=settings(max_examples=15, stateful_step_count=15, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]),
    )  # fmt: skip


def test_rebuild_repairs_and_check_reports(personas):
    a = factories.organization(region_code="410105")
    factories.organization(region_code="410184")
    factories.record(a, "penalty_fine", occurred_on=services.today() - dt.timedelta(days=3), amount="60000")
    assert counts.check_counts() == {}
    RegionLevelCount.objects.filter(region=a.region, level="C").update(n=99)  # a count gone wrong
    wrong = counts.check_counts()
    key = (a.region_id, a.org_type, a.status, a.field, "C")
    assert set(wrong) == {key} and wrong[key] == (99, 1)
    NationalCount.objects.filter(org_type=a.org_type, status=a.status, field=a.field, level="C").update(n=7)
    assert counts.check_counts()[(counts.NATION, a.org_type, a.status, a.field, "C")] == (7, 1)
    services.rebuild_level_counts(actor=SYSTEM, channel="system")
    assert counts.check_counts() == {} and maintained_level_counts(a.region.path)["C"] == 1


def test_list_page_levels_and_total_come_from_the_maintained_counts(personas, login):
    for region in ("410105", "410105", "410184"):
        factories.organization(region_code=region)
    client = login(personas["city_admin"])
    page = client.get("/organizations/").content.decode()
    assert "共 3 个" in page
    # the page reads the maintained numbers (not a recount): a changed count shows on the page
    RegionLevelCount.objects.filter(region__code="410184", level="").update(n=5)
    assert "共 7 个" in client.get("/organizations/").content.decode()
    # a region filter alone is still answered from them; the county outside the filter does not count
    jinshui = client.get("/organizations/", {"region": "410105"}).content.decode()
    assert "2 个匹配" in jinshui


COMBINATIONS = [{}, {"org_type": "1"}, {"status": "deregistered"}, {"field": "charity"}, {"level": "C"},
                {"level": "none", "org_type": "2"}, {"org_type": "1", "status": "normal", "field": "other"},
                {"region": "410100", "org_type": "1"}, {"region": "410184", "status": "normal", "level": "B"},
                {"region": "420000", "field": "education"}, {"region": "999999"}]  # fmt: skip
SCANNED = re.compile(r'"?(registry_organization|evaluation_creditscore)"?[\s.,)]')


def _population():
    """Organizations of every type, field and status in three counties, some of them scored."""
    made = []
    for i, (region, org_type, field) in enumerate(
        itertools.product(["410105", "410184", "420102"], TYPES, FIELDS)
    ):
        org = factories.organization(region_code=region, org_type=org_type, field=field)
        if i % 4 == 1:
            registry.update_organization(actor=SYSTEM, channel="system", organization=org,
                                         data={"status": OrgStatus.DEREGISTERED.value})  # fmt: skip
        if i % 3 == 0:
            factories.record(
                org, "penalty_fine", occurred_on=services.today() - dt.timedelta(days=3), amount="60000"
            )
        made.append(org)
    services.run_evaluation(actor=SYSTEM, channel="system", as_of=services.today(), region=None)
    return made


@pytest.mark.parametrize(
    "params", COMBINATIONS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "none"
)
def test_list_page_numbers_under_any_filter_come_from_the_maintained_counts(personas, login, params):
    """A national account's list under type, status, field, level and region filters: the level links
    and the number of matches equal a recount, and no statement of the page reads the organization
    or score table except the page of rows itself (one statement, with a LIMIT)."""
    _population()
    client = login(personas["superuser"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/organizations/", params)
    region = Region.objects.filter(code=params.get("region", "100000")).first()
    scans = [q["sql"] for q in queries.captured_queries if SCANNED.search(q["sql"])]
    # unknown region: none; a level the maintained counts say none holds: none either
    assert len(scans) <= (1 if region else 0) and all("LIMIT" in sql for sql in scans), scans
    if region is None:  # no such region: said by field, nothing listed or counted
        assert "没有代码为 999999 的行政区划" in response.content.decode()
        assert "level_links" not in response.context
        return
    kind = {k: v for k, v in params.items() if k in ("org_type", "status", "field")}
    expected = recount_under(region.path, **kind) if region else dict.fromkeys(ALL_LEVELS, 0)
    assert {link["code"]: link["n"] for link in response.context["level_links"]} == expected
    assert not any(link["capped"] for link in response.context["level_links"])
    level = params.get("level")
    total = expected[level] if level else sum(expected.values())
    if params:
        assert response.context["total"] == total and not response.context["total_capped"]
    else:
        assert response.context["total"] == total and total == Organization.objects.count() > 0
    if region:  # the numbers shown are the organizations the list walks through
        matches = Organization.objects.filter(region__path__startswith=region.path, **kind)
        if level:
            matches = (
                matches.filter(credit__isnull=True)
                if level == "none"
                else matches.filter(credit__level=level)
            )
        assert matches.count() == total


def test_search_and_score_filters_count_up_to_the_cap(personas, login, monkeypatch):
    """Filters the maintained counts do not answer: each level and the total counted with a LIMIT,
    shown as "more than" past the cap."""
    from socredit.apps.registry import filters, views

    made = _population()
    monkeypatch.setattr(filters, "COUNT_CAP", 2)
    monkeypatch.setattr(views, "COUNT_CAP", 2)
    client = login(personas["superuser"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/organizations/", {"score_min": "0", "org_type": "1"})
    scans = [q["sql"] for q in queries.captured_queries if SCANNED.search(q["sql"])]
    assert scans and all("LIMIT" in sql for sql in scans), scans
    # the counts walk the filter's own index, not the name order of the page
    assert all("ORDER BY" not in sql for sql in scans if "COUNT(" in sql), scans
    scored = Organization.objects.filter(org_type="1", credit__isnull=False)
    links = {link["code"]: (link["n"], link["capped"]) for link in response.context["level_links"]}
    for code, (n, capped) in links.items():
        actual = scored.filter(credit__level=code).count() if code != "none" else 0
        assert (n, capped) == (min(actual, 3), actual > 2), code
    assert response.context["total_capped"] == (scored.count() > 2)
    page = response.content.decode()
    assert "超过 2 个匹配" in page and "2+" in page
    assert len(made) == 27


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_counting_a_live_update_reads_its_own_rows_not_the_organization_table():
    """Re-scoring one organization counts its level change from the incoming rows outward: a plan
    walking the organization table (to group without sorting) cost 50 ms a record at a million."""
    from socredit.apps.records.services import create_record

    org = factories.organization("410105")
    dept = factories.department()
    with CaptureQueriesContext(connection) as queries:  # a new record: the organization re-scored live
        create_record(actor=SYSTEM, channel="system", data={
            "organization": org.code, "kind": "penalty_fine", "amount": "60000", "occurred_on": "2026-01-05",
            "department": dept.code, "document_number": "金民罚〔2026〕1号"})  # fmt: skip
    counting = [
        q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"] and "incoming" in q["sql"]
    ]
    assert counting, "the live update counted its level change"
    with connection.cursor() as cursor:
        for sql in counting:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = [row[-1] for row in cursor.fetchall()]
            assert plan[0].startswith("SCAN n"), plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's row triggers")
def test_emptying_the_database_in_any_table_order_leaves_no_count_of_a_missing_region():
    """A test's flush deletes every table in an order that changes from run to run: scores deleted
    after the regions must not count an organization again under a region already gone."""
    from socredit.apps.records.services import create_record

    org = factories.organization("410105")
    create_record(actor=SYSTEM, channel="system", data={
        "organization": org.code, "kind": "penalty_fine", "amount": "60000", "occurred_on": "2026-01-05",
        "department": factories.department().code, "document_number": "金民罚〔2026〕2号"})  # fmt: skip
    point = transaction.savepoint()  # foreign keys are checked at commit: the flush's order stands until then
    with connection.cursor() as cursor:
        for table in (counts.COUNTS, "registry_region", "evaluation_creditscore"):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 — fixed names
        cursor.execute(f"PRAGMA foreign_key_check({counts.COUNTS})")
        dangling = cursor.fetchall()
    transaction.savepoint_rollback(point)
    assert dangling == []
