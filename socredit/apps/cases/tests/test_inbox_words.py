"""The case inbox and case pages in plain words, in both languages: a step by its name, never its code;
an open case counts down to its deadline, a closed one shows the day it was closed; an outcome by its
label; the daily job by its name."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from socredit.apps.cases import labels
from socredit.apps.cases.services import objections
from socredit.core import cases as plans
from socredit.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(db, personas):
    org = factories.organization(region_code="410105", name="郑州市金水区收件箱用语协会")
    account = factories.org_account(org)
    open_case = objections.file_objection(account, channel="organization", organization=org,
                                          records=[factories.record(org, "penalty_warning")],
                                          reasons="处罚决定书上的日期与实际不符，请核查。")  # fmt: skip
    closed = objections.file_objection(account, channel="organization", organization=org,
                                       records=[factories.record(org, "penalty_warning")],
                                       reasons="处罚决定书上的金额与实际不符，请核查。")  # fmt: skip
    objections.withdraw(account, closed, reason="已与处罚机关核对，金额无误。")
    closed.refresh_from_db()
    return {"open": open_case, "closed": closed, "account": account}


def _inbox(client, staff, language, query=""):
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get("/cases/" + query).content.decode()


def _row(html, number):
    return re.search(rf"<tr[^>]*>\s*<td[^>]*><a[^>]*>{number}</a>.*?</tr>", html, re.S).group(0)


def test_an_open_case_shows_its_step_by_name_and_counts_down(client, personas, cases):
    case = cases["open"]
    zh = _row(_inbox(client, personas["staff_jinshui"], "zh-hans"), case.number)
    assert "作出处理决定" in zh
    assert re.search(r"剩\d+个工作日|今天到期", zh)
    assert f">{case.stage}<" not in zh
    en = _row(_inbox(client, personas["staff_jinshui"], "en"), case.number)
    assert "Decision on the objection" in en and re.search(r"\d+ working days? left|due today", en)
    assert "剩" not in en


def test_a_closed_case_shows_its_closing_day_not_a_countdown(client, personas, cases):
    case = cases["closed"]
    assert case.closed_on is not None
    zh = _row(_inbox(client, personas["staff_jinshui"], "zh-hans", "?status=all"), case.number)
    assert f"{case.closed_on:%Y-%m-%d} 办结" in zh and "剩" not in zh and "超期" not in zh
    en = _row(_inbox(client, personas["staff_jinshui"], "en", "?status=all"), case.number)
    assert f"closed on {case.closed_on:%Y-%m-%d}" in en and "left" not in en


def test_a_case_page_shows_the_outcome_and_the_daily_job_by_their_labels(client, personas, cases):
    case = cases["closed"]
    client.force_login(personas["staff_jinshui"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "Withdrawn" in page and f">{case.outcome}<" not in page and ">withdrawn:" not in page
    assert labels.actor("system") == "the daily job" and labels.actor("wang") == "wang"


def test_every_step_of_every_plan_has_a_label():
    """A plan's step added without a label would show its stored Chinese title in English."""
    for plan in (plans.OBJECTION_FORWARDED, plans.OBJECTION_OWN, plans.REPAIR, plans.COMPLAINT):
        for step in plan:
            assert step.title in labels.STEP_TITLES, step
    assert labels.stage_label("repair", "accept") and labels.stage_label("complaint", "done")
    assert labels.stage_label("repair", "no-such-step") == ""
