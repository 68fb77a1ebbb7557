"""An indicator reading a figure of the annual work report, through the database: the batch run and
the one-organization explanation agree, only concluded reports count, from the day they were
concluded, and the default model's scores do not move."""

from __future__ import annotations

import datetime as dt

import pytest

from socredit.apps.annualreports.tests.figures_helpers import filed_report
from socredit.apps.evaluation import services
from socredit.apps.evaluation.figures import report_figures
from socredit.apps.evaluation.models import CreditScore
from socredit.apps.registry.models import Organization
from socredit.testing import factories

pytestmark = pytest.mark.django_db

FIGURES = "annual-reports-2026.1"
NEGATIVE = {"bs_total_net_assets": "-5000.00", "bs_total_assets": "1000.00"}


@pytest.fixture
def orgs(db):
    today = services.today()
    made = {name: factories.organization("410105", name=f"金水区评价年报{name}协会")
            for name in ("negative", "positive", "submitted", "old", "none")}  # fmt: skip
    filed_report(made["negative"], today.year - 1, NEGATIVE, concluded_on=today - dt.timedelta(days=30))
    filed_report(made["positive"], today.year - 1, concluded_on=today - dt.timedelta(days=30))
    # the positive one's older report was negative: the latest decides
    filed_report(made["positive"], today.year - 2, NEGATIVE, concluded_on=today - dt.timedelta(days=400))
    filed_report(made["submitted"], today.year - 1, NEGATIVE, state="submitted")
    filed_report(made["old"], today.year - 4, NEGATIVE, concluded_on=today - dt.timedelta(days=3 * 365))
    return made


def test_batch_and_single_agree_and_only_the_latest_concluded_report_counts(orgs, cli):
    services.run_evaluation(actor=cli, channel="cli", model_version=FIGURES)
    stored = dict(CreditScore.objects.values_list("organization_id", "score"))
    base = 75
    for name, org in orgs.items():
        single = services.explain_organization(org, model_version=FIGURES)
        assert stored[org.pk] == single.score, name
        lines = {line.indicator.id: line.points for line in single.lines}
        expected = -5 if name == "negative" else None
        assert lines.get("negative_net_assets") == expected, name
        assert single.score == base + (expected or 0), name


def test_a_date_before_the_conclusion_does_not_see_the_report(orgs):
    before = services.today() - dt.timedelta(days=31)
    explained = services.explain_organization(orgs["negative"], model_version=FIGURES, as_of=before)
    assert "negative_net_assets" not in {line.indicator.id for line in explained.lines}


def test_the_default_model_does_not_read_figures(orgs, cli):
    services.run_evaluation(actor=cli, channel="cli")
    assert set(CreditScore.objects.values_list("score", flat=True)) == {75}
    single = services.explain_organization(orgs["negative"])
    assert single.score == 75 and not single.lines


def test_the_reader_takes_concluded_reports_of_the_organizations_asked(orgs):
    ids = sorted(o.pk for o in orgs.values())
    frame = report_figures(min(ids), max(ids) + 1, None, {"bs_total_net_assets"})
    assert set(frame["org_id"].to_list()) == {orgs["negative"].pk, orgs["positive"].pk, orgs["old"].pk}
    only = report_figures(0, 10**9, [orgs["negative"].pk], {"bs_total_net_assets"})
    assert only.rows() == [(orgs["negative"].pk, services.today().year - 1,
                            (services.today() - dt.timedelta(days=30) - dt.date(1970, 1, 1)).days,
                            "bs_total_net_assets", -5000.0)]  # fmt: skip
    assert report_figures(0, 10**9, None, set()).height == 0
    assert Organization.objects.count() == 5
