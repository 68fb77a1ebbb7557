"""The statistics dashboard in a browser: ECharts draws every panel that has numbers (SVG) with the
series of the page's data, the tables beside the charts hold the same numbers, in Chinese and in
English, on a desktop and on a phone (390 px) without sideways scrolling, under the CSP."""

from __future__ import annotations

import pytest

from socredit.apps.statistics.aggregate import aggregate_day
from socredit.apps.statistics.tests.conftest import DAY, world  # noqa: F401 — the crafted world fixture
from socredit.common.access import SystemPrincipal
from tests.browser.test_english_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIES = """key => {
  const chart = window.echarts.getInstanceByDom(document.querySelector(`[data-chart="${key}"]`));
  return chart ? chart.getOption().series.map(s => (s.data || []).map(d => (d && d.value !== undefined) ? d.value : d)) : null;
}"""


def test_the_dashboard_draws_its_charts_in_both_languages(live_server, page, world):  # noqa: F811
    from playwright.sync_api import expect

    aggregate_day(SystemPrincipal(), DAY)
    base = live_server.url
    sign_in(page, base, "staff_jinshui")
    page.goto(base + "/statistics/")
    expect(page.locator('[data-chart="org_type"] svg')).to_have_count(1)
    assert page.evaluate(SERIES, "org_type") == [[2, 1]]
    assert page.evaluate(SERIES, "target_clean") == [[66.7]]
    assert page.evaluate(SERIES, "cases") == [[1, 0, 0], [1, 0, 0]]
    table = page.locator('[data-panel="org_type"] table')
    expect(table).to_contain_text("社会团体")
    expect(table).to_contain_text("基金会")
    assert page.locator(".stat-chart svg").count() >= 8

    page.get_by_role("button", name="English").click()
    page.goto(base + "/statistics/?region=410105001")
    expect(page.locator('[data-panel="org_type"] table')).to_contain_text("Association")
    assert page.evaluate(SERIES, "org_type") == [[1]]
    expect(page.locator("h1")).to_contain_text("Statistics")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/statistics/")
    expect(page.locator('[data-chart="credit_level"] svg')).to_have_count(1)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
