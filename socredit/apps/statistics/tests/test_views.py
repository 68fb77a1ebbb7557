"""The dashboard, its downloads, the settings pages and the public page, on the crafted world."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest

from socredit.apps.lists.models import LIST_LABELS
from socredit.apps.records.access import access_records
from socredit.apps.statistics.aggregate import aggregate_day
from socredit.apps.statistics.models import Target
from socredit.apps.statistics.tests.conftest import DAY
from socredit.common.access import SystemPrincipal

pytestmark = pytest.mark.django_db
URL = "/statistics/"


@pytest.fixture
def aggregated(world):
    aggregate_day(SystemPrincipal(), DAY)
    return world


def chart_data(response) -> dict:
    found = re.search(
        r'<script id="statistics-data" type="application/json">(.*?)</script>', response.content.decode()
    )
    assert found, "the page carries no chart data"
    return json.loads(found.group(1))


def panel(response, key: str) -> dict:
    return next(p for p in chart_data(response)["panels"] if p["key"] == key)


def download(client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_a_county_officer_sees_the_county_and_its_streets(aggregated, personas, login):
    client = login(personas["staff_jinshui"])
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "金水区" in html and "经八路街道" in html  # the street is a child to drill into
    assert panel(response, "org_type")["rows"] == [["社会团体", 2], ["基金会", 1]]
    assert panel(response, "target_clean")["rows"] == [[3, 2, "66.7", "95.0"]]
    assert panel(response, "annual_reports")["rows"] == [[2, 1, "50.0"]]
    assert 'src="/static/socredit/echarts.min.js"' in html and "<script>" not in html


def test_drill_down_to_a_street(aggregated, personas, login):
    response = login(personas["staff_jinshui"]).get(URL, {"region": "410105001"})
    assert response.status_code == 200
    assert panel(response, "org_type")["rows"] == [["社会团体", 1]]
    assert panel(response, "list_in_force")["rows"] == [[str(LIST_LABELS["red"]), 1]]


def test_a_county_cannot_see_another_county(aggregated, personas, login):
    client = login(personas["staff_jinshui"])
    for code in ("410184", "410100", "999999"):
        response = client.get(URL, {"region": code})
        assert response.status_code == 404
        assert "您所辖范围内没有此代码的区划" in response.content.decode()
        assert "statistics-data" not in response.content.decode()
    assert client.get("/statistics/export/org_type.csv", {"region": "410184"}).status_code == 404


def test_the_city_sees_both_counties(aggregated, personas, login):
    client = login(personas["city_admin"])
    response = client.get(URL)
    assert panel(response, "credit_level")["rows"] == [["A", 1], ["C", 1], ["未评价", 2]]
    assert client.get(URL, {"region": "410184"}).status_code == 200


@pytest.mark.parametrize(
    ("day", "message"),
    [("2026-13-01", "不是日期"), ("2026-04-16", "未来"), ("2026-04-01", "没有")],
)
def test_a_bad_day_gets_a_clear_message(aggregated, personas, login, day, message, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = login(personas["staff_jinshui"]).get(URL, {"day": day})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_no_figures_yet_is_an_empty_state(world, personas, login):
    response = login(personas["staff_jinshui"]).get(URL)
    assert response.status_code == 200
    assert "statistics-data" not in response.content.decode()


def test_the_download_holds_the_table(aggregated, personas, login):
    client = login(personas["staff_jinshui"])
    lines = download(client, "/statistics/export/org_field.csv?day=2026-04-15")
    assert lines[0][0].endswith("2026-04-15")
    assert sorted(lines[2:]) == [["其他", "2"], ["教育培训", "1"]]
    xlsx = client.get("/statistics/export/org_field.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    assert client.get("/statistics/export/nothing.csv").status_code == 404


def test_the_dashboard_agrees_with_the_lists_and_records(aggregated, personas, login):
    user = personas["staff_jinshui"]
    client = login(user)
    response = client.get(URL)
    members = download(client, "/lists/members/abnormal/export.csv")[2:]
    in_force = dict(panel(response, "list_in_force")["rows"])
    assert in_force[str(LIST_LABELS["abnormal"])] == len(members) == 1
    records = sum(n for _label, n in panel(response, "records_category")["rows"])
    assert records == access_records(user).filter(is_current=True, status=1).count()


def test_an_administrator_sets_the_targets(aggregated, personas, login):
    assert login(personas["staff_jinshui"]).get("/statistics/targets/").status_code == 403
    client = login(personas["city_admin"])
    bad = client.post("/statistics/targets/", {"party_charter": "120", "clean": "90", "evaluated": "100",
                                               "spotcheck": "100"})  # fmt: skip
    assert bad.status_code == 200 and not Target.objects.exists()
    ok = client.post("/statistics/targets/", {"party_charter": "100", "clean": "90", "evaluated": "80",
                                              "spotcheck": "100"})  # fmt: skip
    assert ok.status_code == 302
    assert panel(client.get(URL), "target_clean")["target"] == 90.0


def test_the_public_page_shows_only_what_is_published(aggregated, personas, login, client):
    assert client.get("/public/statistics/410105/").status_code == 404
    admin = login(personas["city_admin"])
    response = admin.post("/statistics/publication/", {"panels": ["org_type", "credit_level"]})
    assert response.status_code == 302
    admin.logout()
    index = client.get("/public/statistics/")
    assert "郑州市" in index.content.decode()
    page = client.get("/public/statistics/410100/")
    assert page.status_code == 200
    assert [p["key"] for p in chart_data(page)["panels"]] == ["org_type", "credit_level"]
    assert "export" not in page.content.decode()
    assert client.get("/public/statistics/410105/").status_code == 404


def test_an_unpublishable_panel_is_refused(personas, login):
    client = login(personas["city_admin"])
    response = client.post("/statistics/publication/", {"panels": ["cases"]})
    assert response.status_code == 200  # the form shows the error; nothing saved


def test_organization_accounts_have_no_dashboard(aggregated, login):
    from socredit.testing import factories

    account = factories.org_account(aggregated["a1"])
    assert login(account).get(URL).status_code in (403, 404)


def test_a_day_before_any_run_is_refused_in_english(aggregated, personas, login):
    client = login(personas["staff_jinshui"])
    client.post("/i18n/setlang/", {"language": "en", "next": URL})
    response = client.get(URL, {"day": (DAY - dt.timedelta(days=3)).isoformat()})
    assert response.status_code == 400
    assert "There are no figures for 2026-04-12" in response.content.decode()
