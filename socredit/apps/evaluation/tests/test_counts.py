"""The maintained per-region level counts (registry.RegionLevelCount) equal a full recount after any
sequence of the operations that change them: organizations created in random regions, records that
change levels, deregistration, a region move, deletion, batch evaluations (whole country, one
region, a past day). Checked after every step for the national, province, city and county scopes,
and through the organization list page's own numbers."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from socredit.apps.evaluation import counts, services
from socredit.apps.registry import services as registry
from socredit.apps.registry.filters import ALL_LEVELS, NOT_EVALUATED, maintained_level_counts
from socredit.apps.registry.models import Organization, Region
from socredit.common.access import SystemPrincipal
from socredit.core.types import OrgStatus
from socredit.testing import factories

pytestmark = pytest.mark.django_db

REGIONS = ["410105", "410184", "410102", "410100", "420102", "410000"]
SCOPES = ["", "/100000/", "/100000/410000/", "/100000/410000/410100/", "/100000/410000/410100/410105/",
          "/100000/420000/"]  # fmt: skip
RECORDS = [("penalty_warning", {}), ("penalty_fine", {"amount": "60000"}), ("grade_5a", {}),
           ("penalty_fine", {"amount": "800"}), ("annual_report_late", {})]  # fmt: skip
SYSTEM = SystemPrincipal("test")


def recount_under(path):
    """Organizations per level under a region path, counted from the organizations themselves."""
    out = dict.fromkeys(ALL_LEVELS, 0)
    for level in Organization.objects.filter(region__path__startswith=path).values_list(
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

    @rule(target=orgs, region=st.sampled_from(REGIONS))
    def create_organization(self, region):
        return factories.organization(region_code=region).pk

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
            assert maintained_level_counts(path) == recount_under(path), path


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
    from socredit.apps.registry.models import RegionLevelCount

    RegionLevelCount.objects.filter(region=a.region, level="C").update(n=99)  # a count gone wrong
    wrong = counts.check_counts()
    assert set(wrong) == {(a.region_id, "C")} and wrong[(a.region_id, "C")] == (99, 1)
    services.rebuild_level_counts(actor=SYSTEM, channel="system")
    assert counts.check_counts() == {} and maintained_level_counts(a.region.path)["C"] == 1


def test_list_page_levels_and_total_come_from_the_maintained_counts(personas, login):
    from socredit.apps.registry.models import RegionLevelCount

    for region in ("410105", "410105", "410184"):
        factories.organization(region_code=region)
    client = login(personas["city_admin"])
    page = client.get("/organizations/").content.decode()
    assert "共 3 个组织" in page
    # the page reads the maintained numbers (not a recount): a changed count shows on the page
    RegionLevelCount.objects.filter(region__code="410184", level="").update(n=5)
    assert "共 7 个组织" in client.get("/organizations/").content.decode()
    # a region filter alone is still answered from them; the county outside the filter does not count
    jinshui = client.get("/organizations/", {"region": "410105"}).content.decode()
    assert "2 个匹配" in jinshui
