"""Stored public answers (公开信息存档): after every kind of change that touches public information, the
public API answers exactly what ``public_profile`` builds now; a fresh stored answer is served by one
query; a stale day, another build or a bulk load is never served from the store."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from socredit.apps.annualreports.models import AnnualReport, ReportFigure
from socredit.apps.annualreports.tests.figures_helpers import filed_report
from socredit.apps.cases.models import Case, CaseKind, CaseStatus
from socredit.apps.commitments.models import Commitment, CommitmentTemplate
from socredit.apps.evaluation.models import CreditScore
from socredit.apps.lists.models import ListDecision, ListEntry
from socredit.apps.portal import stored
from socredit.apps.portal.models import PublicationSetting, StoredProfile
from socredit.apps.portal.public import public_profile
from socredit.apps.portal.tests.conftest import TODAY, entry
from socredit.apps.records.models import CreditRecord, RecordKind
from socredit.apps.registry.models import Organization, Person, Region, RegistrationChange
from socredit.core.types import RecordStatus
from socredit.testing import factories

pytestmark = pytest.mark.django_db
BASE = "/api/public/v1/organizations"


def fresh(org: Organization) -> bytes:
    """What the API must answer: the profile built now, as the API writes it."""
    org = Organization.objects.select_related("region").get(pk=org.pk)
    return stored.profile_body(public_profile(org, TODAY, language="zh-hans")).encode()


def answered(client: Any, org: Organization) -> bytes:
    response = client.get(f"{BASE}/{org.code}")
    assert response.status_code == 200
    return response.content


def _score(org: Organization, level: str, day: dt.date = TODAY) -> None:
    CreditScore.objects.update_or_create(
        organization=org,
        defaults={"score": 70, "level": level, "cause": "x", "model_version": "m", "as_of": day,
                  "breakdown": b"", "evaluated_at": dt.datetime(2026, 12, 1, tzinfo=dt.UTC)},
    )  # fmt: skip


def _publish_levels(w: dict[str, Any]) -> None:
    _score(w["org"], "B")
    Organization.objects.filter(pk=w["org"].pk).update(registration_authority=w["dept"].name)
    PublicationSetting.objects.create(department=w["dept"], publish_credit_level=True)


def _objection(w: dict[str, Any], on: ListEntry) -> None:
    Case.objects.create(kind=CaseKind.OBJECTION, status=CaseStatus.OPEN, organization=w["org"],
                        list_entry=on, number="YY-2026-000009", stage="review", region=w["org"].region,
                        channel="paper", reasons="异议", received_on=TODAY, filed_by_label="staff",
                        applicant_name="异议人", applicant_contact="1", profile_version="national")  # fmt: skip


CHANGES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "new record": lambda w: factories.record(
        w["org"],
        "penalty_fine",
        amount="500",
        occurred_on=dt.date(2026, 11, 1),
        decided_on=dt.date(2026, 11, 2),
        document_number="金民罚〔2026〕新9号",
    ),  # fmt: skip
    "record repaired": lambda w: CreditRecord.objects.filter(pk=w["fine"].pk).update(
        status=RecordStatus.REPAIRED.value
    ),
    "record revoked": lambda w: CreditRecord.objects.filter(pk=w["commendation"].pk).update(
        status=RecordStatus.REVOKED.value
    ),
    "objection on a record ends": lambda w: CreditRecord.objects.filter(pk=w["fine"].pk).update(
        under_objection=False
    ),
    "list entry": lambda w: entry(w["org"], "serious", "R1.12(4)", "金民严〔2026〕8号", dt.date(2026, 11, 1)),
    "list exit": lambda w: ListEntry.objects.filter(pk=w["abnormal"].pk).update(
        left_on=dt.date(2026, 12, 1), exit_ground="R1.10(a)"
    ),
    "list decision corrected": lambda w: ListDecision.objects.filter(
        pk=w["abnormal"].entry_decision_id
    ).update(document_number="金民异〔2026〕1号（更正）"),
    "objection filed on a listing": lambda w: _objection(w, w["abnormal"]),
    "objection on a listing closed": lambda w: Case.objects.filter(kind=CaseKind.OBJECTION).update(
        status=CaseStatus.CLOSED
    ),
    "commitment published": lambda w: Commitment.objects.filter(
        organization=w["org"], published=False
    ).update(published=True),
    "registration change": lambda w: RegistrationChange.objects.create(
        organization=w["org"],
        act="change",
        item="address",
        before="金水路1号",
        after="金水路2号",
        effective_on=dt.date(2026, 11, 20),
        document_number="金民登〔2026〕5号",
    ),  # fmt: skip
    "organization renamed": lambda w: Organization.objects.filter(pk=w["org"].pk).update(
        name="郑州市金水区养老协会"
    ),
    "person takes a post": lambda w: factories.role(w["org"], factories.person("李监事"), "supervisor"),
    "person renamed": lambda w: Person.objects.filter(pk=w["rep"].pk).update(name="王新名"),
    "level published": _publish_levels,
    "region renamed": lambda w: Region.objects.filter(pk=w["org"].region_id).update(name="金水新区"),
    "record kind renamed": lambda w: RecordKind.objects.filter(pk=w["fine"].kind_id).update(
        name_zh="罚款（改）"
    ),
    "commitment template retitled": lambda w: CommitmentTemplate.objects.update(title="信用承诺书（新）"),
    "annual report concluded": lambda w: AnnualReport.objects.filter(organization=w["org"]).update(
        state="concluded", result="pass", concluded_on=dt.date(2026, 4, 1)
    ),
    "annual report figure corrected": lambda w: ReportFigure.objects.filter(
        report__organization=w["org"], code="bs_total_assets"
    ).update(value="1000001.00"),
}


def _submitted_report(w: dict[str, Any]) -> None:
    filed_report(w["org"], 2025, state="submitted")


def _concluded_report(w: dict[str, Any]) -> None:
    filed_report(w["org"], 2025)


BEFORE = {
    "objection filed on a listing": lambda w: Case.objects.filter(kind=CaseKind.OBJECTION).delete(),
    "annual report concluded": _submitted_report,
    "annual report figure corrected": _concluded_report,
}
"""What a change needs first (not yet under objection)."""


@pytest.mark.parametrize("change", list(CHANGES))
def test_no_stale_answer_after_a_change(client, world, change):
    org = world["org"]
    if change in BEFORE:
        BEFORE[change](world)
    assert stored.refresh_stored_profiles(TODAY) == Organization.objects.count()
    before = fresh(org)
    assert answered(client, org) == before == stored.stored_answer(org.code, TODAY)
    CHANGES[change](world)
    assert stored.stored_answer(org.code, TODAY) is None  # the trigger made it stale
    after = fresh(org)
    assert after != before, "the change must touch public information"
    assert answered(client, org) == after
    assert stored.stored_answer(org.code, TODAY) == after  # the lookup stored what it built


def test_level_change_only_matters_where_shown(client, world):
    org = world["org"]
    _publish_levels(world)
    stored.refresh_stored_profiles(TODAY)
    CreditScore.objects.filter(organization=org).update(score=71)  # the score is not public
    assert stored.stored_answer(org.code, TODAY) == fresh(org)
    CreditScore.objects.filter(organization=org).update(level="C")
    assert stored.stored_answer(org.code, TODAY) is None
    assert b'"level":"C"' in answered(client, org) == fresh(org)


def test_publication_setting_withdrawn(client, world):
    _publish_levels(world)
    stored.refresh_stored_profiles(TODAY)
    assert b'"credit_level":{' in answered(client, world["org"])
    PublicationSetting.objects.update(publish_credit_level=False)
    assert b'"credit_level":null' in answered(client, world["org"]) == fresh(world["org"])


def test_fresh_answer_is_one_query_and_builds_nothing(client, world, monkeypatch):
    stored.refresh_stored_profiles(TODAY)
    org = world["org"]
    expected = fresh(org)

    def never(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a fresh stored answer is served as stored, not built again")

    monkeypatch.setattr("socredit.apps.reports.content.organization", never)
    monkeypatch.setattr("socredit.apps.reports.content.profile", never)
    with CaptureQueriesContext(connection) as queries:
        body = answered(client, org)
    assert body == expected
    if connection.vendor == "sqlite":
        # SQLite: the one query goes straight to the driver (portal.stored.stored_answer), unseen here
        assert queries.captured_queries == []
    else:
        assert len(queries) == 1 and "portal_storedprofile" in queries[0]["sql"]


def test_a_stale_day_is_not_served(client, world, today_is):
    org = world["org"]
    stored.refresh_stored_profiles(TODAY)
    today_is(TODAY + dt.timedelta(days=1))
    assert stored.stored_answer(org.code, TODAY + dt.timedelta(days=1)) is None
    body = answered(client, org)
    assert b'"as_of":"2026-12-05"' in body
    assert stored.stored_answer(org.code, TODAY + dt.timedelta(days=1)) == body


def test_another_build_is_not_served(world, monkeypatch):
    stored.refresh_stored_profiles(TODAY)
    assert stored.stored_answer(world["org"].code, TODAY) is not None
    monkeypatch.setattr(stored, "current_build", lambda: "another-release")
    assert stored.stored_answer(world["org"].code, TODAY) is None


def test_a_change_while_building_is_never_served(client, world, monkeypatch):
    """The stamps are read before the profile: a change committed while it is built leaves the stored
    answer stale, never served."""
    org = world["org"]
    built = stored.public_profile

    def changed_meanwhile(*args: Any, **kwargs: Any) -> dict[str, Any]:
        profile = built(*args, **kwargs)
        factories.record(org, "penalty_fine", amount="9", occurred_on=dt.date(2026, 11, 3),
                         decided_on=dt.date(2026, 11, 3), document_number="金民罚〔2026〕并10号")  # fmt: skip
        return profile

    monkeypatch.setattr(stored, "public_profile", changed_meanwhile)
    answered(client, org)
    assert StoredProfile.objects.filter(organization=org).exists()
    assert stored.stored_answer(org.code, TODAY) is None
    monkeypatch.setattr(stored, "public_profile", built)
    assert answered(client, org) == fresh(org)


def test_refresh_stale_only_rebuilds_the_stale(world):
    assert stored.refresh_stored_profiles(TODAY, stale_only=True) == 2
    assert stored.refresh_stored_profiles(TODAY, stale_only=True) == 0
    Organization.objects.filter(pk=world["other"].pk).update(address="新地址")
    assert stored.refresh_stored_profiles(TODAY, stale_only=True, chunk=1) == 1
    assert stored.stored_answer(world["other"].code, TODAY) == fresh(world["other"])


def test_parts_together_fill_everything(world):
    assert (
        stored.refresh_stored_profiles(TODAY, part=(0, 2))
        + stored.refresh_stored_profiles(TODAY, part=(1, 2))
        == Organization.objects.count()
    )
    assert stored.refresh_stored_profiles(TODAY, stale_only=True) == 0


def test_deleted_organization_leaves_nothing(client, world):
    stored.refresh_stored_profiles(TODAY)
    other = world["other"]
    ListEntry.objects.filter(organization=other).delete()
    ListDecision.objects.filter(organization=other).delete()
    other.delete()
    assert not StoredProfile.objects.filter(organization_id=other.pk).exists()
    assert client.get(f"{BASE}/{other.code}").status_code == 404


def test_bulk_load_invalidates_everything(world):
    from socredit.apps.evaluation.bulkload import loading_in_bulk

    stored.refresh_stored_profiles(TODAY)
    with loading_in_bulk(), connection.cursor() as cursor:
        cursor.execute("UPDATE registry_organization SET name = 'x' || name WHERE id = %s", [world["org"].pk])
    assert stored.missing_triggers() == []
    assert stored.stored_answer(world["org"].code, TODAY) is None
    assert stored.stored_answer(world["other"].code, TODAY) is None


def test_open_data_build_stores_the_answers(world, tmp_path):
    from socredit.apps.reports import opendata

    opendata.build(TODAY, target=tmp_path)
    assert stored.stored_answer(world["org"].code, TODAY) == fresh(world["org"])
    opendata.build(TODAY - dt.timedelta(days=1), target=tmp_path)  # a past day's release stores nothing
    assert stored.stored_answer(world["org"].code, TODAY) == fresh(world["org"])


def test_command(world, capsys):
    call_command("portal_profiles", "--all")
    assert "2 个组织" in capsys.readouterr().out
    call_command("portal_profiles", "--check")
    call_command("portal_profiles", "--clear")
    assert not StoredProfile.objects.exists()


_TABLE = re.compile(r'(?:FROM|JOIN)\s+"?([a-z_]+)"?', re.IGNORECASE)


def test_every_table_a_profile_reads_is_watched(world):
    """A new source of public information cannot be forgotten: every table ``public_profile`` reads
    carries the triggers (and they are installed)."""
    _publish_levels(world)
    with CaptureQueriesContext(connection) as queries:
        for org in Organization.objects.all():
            public_profile(org, TODAY, language="zh-hans")
    # json_each is SQLite's table-valued function over a bound list of values, not a table
    read = {t for q in queries for t in _TABLE.findall(q["sql"])} - {"json_each"}
    watched = {*stored.ORGANIZATION_SOURCES, *stored.SHARED_SOURCES}
    assert read - watched == set()
    assert stored.missing_triggers() == []
