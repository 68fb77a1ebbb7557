"""`manage.py spotchecks announce|draw|audit|frame|assign|overdue`: anyone can re-run a draw."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from socredit.apps.spotchecks.models import SpotCheck
from socredit.apps.spotchecks.tests.conftest import inspectors, make_plan
from socredit.core.sampling import SamplingRates, draw, frame_from_text

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("spotchecks", *args, stdout=out)
    return out.getvalue()


def test_announce_draw_audit_and_an_outside_redraw_agree(actor, orgs):
    inspectors(3)
    plan = make_plan(actor)
    assert "20260301" in _run("announce", str(plan.pk), "--seed", "20260301")
    assert "抽取结果" in _run("draw", str(plan.pk))
    assert "复核一致" in _run("audit", str(plan.pk))
    assert "人次" in _run("assign", str(plan.pk))
    # the printed frame and the published rates are all an outsider needs to re-draw
    plan.refresh_from_db()
    frame = frame_from_text(_run("frame", str(plan.pk)))
    rates = SamplingRates(plan.base_rate, plan.level_factors, plan.field_factors, plan.list_factors,
                          plan.fixed_field_rates)  # fmt: skip
    again = draw(
        frame, rates, plan.seed, min_ratio=plan.required / plan.frame_size, onsite_ratio=plan.onsite_ratio
    )
    assert set(again.codes) == set(
        SpotCheck.objects.filter(plan=plan).values_list("organization__code", flat=True)
    )


def test_the_audit_fails_on_a_changed_draw(actor, orgs):
    plan = make_plan(actor)
    _run("announce", str(plan.pk), "--seed", "s")
    _run("draw", str(plan.pk))
    SpotCheck.objects.filter(plan=plan).first().delete()
    with pytest.raises(CommandError, match="复核不一致"):
        _run("audit", str(plan.pk))


def test_unknown_plan_and_draw_before_the_seed(actor, orgs):
    with pytest.raises(CommandError, match="没有该抽查计划"):
        _run("draw", "999")
    plan = make_plan(actor)
    with pytest.raises(CommandError):
        _run("draw", str(plan.pk))
    assert "0" in _run("overdue")
