"""The demo office (`demo.office`): decided listings with their documents, a published red list, open
and closed cases of every kind with documents dated on their steps' days, registration changes; the
same seed gives the same office."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from socredit.apps.cases.models import Case, CaseDocument, CaseKind, CaseStatus
from socredit.apps.lists.models import RED, ListDecision, ListEntry, ListNotice
from socredit.apps.registry.models import ChangedItem, Organization, RegistrationAct, RegistrationChange
from socredit.common import clock
from socredit.core.lists.grounds import ABNORMAL, SERIOUS

ORGS = 600
SEED = 2026
TODAY = dt.date(2026, 12, 3)


def _load(settings, tmp_path) -> str:
    settings.VAR_DIR = tmp_path
    out = StringIO()
    with clock.fixed(TODAY):
        call_command("demo_data", orgs=ORGS, seed=SEED, stdout=out)
    return out.getvalue()


@pytest.mark.slow
def test_the_demo_office(db, settings, tmp_path):
    """Loaded twice from the same seed (a load is half a minute): the same office both times, and the
    second load checked for each property below. (One test: a separate load for the properties cost
    another load on each database.)"""
    point = transaction.savepoint()
    _load(settings, tmp_path)
    first = _snapshot()
    transaction.savepoint_rollback(point)
    assert not Organization.objects.exists()
    _load(settings, tmp_path)
    assert _snapshot() == first and first["cases"] and first["decisions"], (
        "the same seed gives the same office"
    )
    every_case_kind_is_there_open_and_closed()
    lists_are_not_empty_and_each_decision_has_its_documents()
    every_case_document_is_dated_on_its_steps_day()
    some_organizations_changed_their_registration()
    annual_reports_fill_the_queue_and_the_accounts_pages()


def every_case_kind_is_there_open_and_closed():
    seen = set(Case.objects.values_list("kind", "status"))
    for kind in CaseKind.values:
        assert (kind, CaseStatus.OPEN) in seen, kind
        assert any(k == kind and s != CaseStatus.OPEN for k, s in seen), kind


def lists_are_not_empty_and_each_decision_has_its_documents():
    for lst in (ABNORMAL, SERIOUS, RED):
        assert ListEntry.objects.filter(list=lst).exists(), lst
    decisions = ListDecision.objects.exclude(document_number="")
    assert decisions.filter(list=ABNORMAL, automatic=False).exists() and decisions.filter(list=RED).exists()
    for notice in ListNotice.objects.select_related("proposal__decision"):
        assert notice.document_number and notice.served_on <= TODAY
        decision = notice.proposal.decision
        if decision is not None:  # decided after the notice and the period for 陈述申辩
            assert notice.statement_due_on < decision.decided_on <= TODAY


def every_case_document_is_dated_on_its_steps_day():
    docs = list(CaseDocument.objects.select_related("case"))
    assert docs
    for doc in docs:
        case = doc.case
        days = {case.received_on, *case.steps.exclude(done_on=None).values_list("done_on", flat=True)}
        assert case.received_on <= doc.issued_on <= TODAY, (case.number, doc.kind)
        assert doc.issued_on in days, (case.number, doc.kind, doc.issued_on, sorted(days))
        if doc.kind == "receipt":
            assert doc.issued_on == case.received_on
    for case in Case.objects.exclude(status=CaseStatus.OPEN):
        assert case.received_on <= case.decided_on <= TODAY


def some_organizations_changed_their_registration():
    renamed = Organization.objects.exclude(former_names="")
    assert renamed.count() >= 2
    for org in renamed:
        assert org.name.endswith("联合会") and org.name_sort.endswith("lian he hui")
    # each change is in the registration history with its document, dated on its day
    changes = RegistrationChange.objects.filter(act=RegistrationAct.CHANGE).exclude(item="")
    assert {c.item for c in changes} == {ChangedItem.NAME, ChangedItem.ADDRESS} and changes.count() == 3
    for change in changes:
        assert change.document_number and change.document_date == change.effective_on < TODAY
        assert change.before != change.after


def _snapshot():
    return {
        "cases": list(Case.objects.order_by("number").values_list("number", "kind", "status", "received_on",
                                                                  "decided_on", "organization__code")),
        "documents": list(CaseDocument.objects.order_by("case__number", "kind")
                          .values_list("case__number", "kind", "issued_on")),
        "decisions": list(ListDecision.objects.order_by("document_number")
                          .values_list("document_number", "decided_on", "organization__code")),
        "renamed": list(Organization.objects.exclude(former_names="").order_by("code").values_list("code", "name")),
    }  # fmt: skip


def annual_reports_fill_the_queue_and_the_accounts_pages():
    from socredit.apps.annualreports.models import AnnualReport
    from socredit.apps.records.models import CreditRecord

    states = Counter(AnnualReport.objects.values_list("state", flat=True))
    assert states["submitted"] >= 3 and states["returned"] >= 1 and states["concluded"] >= 2, states
    mine = AnnualReport.objects.filter(organization__accounts__username="zuzhi", year__gte=TODAY.year - 2)
    assert sorted(mine.values_list("state", flat=True)) == ["concluded", "returned"]
    assert all(r.submitted_on <= TODAY for r in AnnualReport.objects.all())
    kinds = Counter(CreditRecord.objects.filter(external_id__startswith="annualreport-")
                    .values_list("kind__code", flat=True))  # fmt: skip
    filed_by_hand = AnnualReport.objects.filter(timeliness_record__external_id__startswith="annualreport-")
    assert kinds["annual_report_on_time"] == filed_by_hand.count() >= 8
    assert kinds["annual_inspection_pass"] >= 2 and kinds["annual_inspection_basic"] == 1
    past_years_match_the_records()


def past_years_match_the_records():
    """Every on-time or late record of the generator has the report it speaks of, filed that day, and
    an organization recorded as not filing a year has no report on it."""
    from socredit.apps.annualreports.models import AnnualReport
    from socredit.apps.records.models import CreditRecord

    reports = {
        (r.organization_id, r.year): r for r in AnnualReport.objects.select_related("timeliness_record")
    }
    timeliness = CreditRecord.objects.filter(kind__code__in=["annual_report_on_time", "annual_report_late"],
                                             external_id="")  # fmt: skip
    assert timeliness.count() > ORGS
    for record in timeliness:
        report = reports[(record.organization_id, record.occurred_on.year - 1)]
        assert report.submitted_on == record.occurred_on or report.timeliness_record.external_id
    for org, day in CreditRecord.objects.filter(kind__code="annual_report_missing").values_list(
        "organization_id", "occurred_on"
    ):
        report = reports.get((org, day.year - 1))
        assert report is None or report.timeliness_record.external_id.startswith("annualreport-")
    concluded = [r for r in reports.values() if r.state == "concluded" and not r.conclusion_note]
    assert concluded and all(r.inspection_record_id and r.concluded_on >= r.submitted_on for r in concluded)
    assert all(r.figures.exists() for r in concluded[:20])
