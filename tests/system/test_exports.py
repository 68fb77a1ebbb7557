"""导出 of every staff table (besides the organization list, tested in its app): each export holds
exactly the rows its page shows (its filter, the account's region), in words (labels, no stored
codes, no database ids), with its title line and data date, and is an audited download."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from socredit.apps.audit.models import AuditEvent
from tests.system.matrix_world import build_world
from tests.system.test_access_matrix import _annual_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return build_world(personas)


def lines_of(response):
    assert response.status_code == 200, response.content[:500]
    body = b"".join(response.streaming_content)
    if response["Content-Type"].startswith("text/csv"):
        assert body.startswith(b"\xef\xbb\xbf")
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


EXPORTS = {
    # route, kwargs, query, audited file kind, the organization whose row it holds
    "members": (
        "lists:entry_export",
        {"list": "abnormal"},
        {},
        "export_list_members",
        lambda w: w["entry"].organization,
    ),
    "proposals": ("lists:proposal_export", {}, {}, "export_proposals", lambda w: w["proposal"].organization),
    "decisions": (
        "lists:decision_export",
        {},
        {"list": "abnormal"},
        "export_decisions",
        lambda w: w["entry"].organization,
    ),
    "cases": ("cases:case_export", {}, {"status": ""}, "export_cases", lambda w: w["org"]),
    "scores": ("evaluation:score_export", {}, {}, "export_scores", lambda w: w["org"]),
    # the region's annual work reports on the last year that has ended (the page's default)
    "annual_report_figures": (
        "annualreport_data:figure_export",
        {},
        {},
        "export_annual_report_figures",
        lambda w: _annual_report(w).organization,
    ),
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("table", sorted(EXPORTS))
def test_export_holds_the_regions_rows_in_words(table, fmt, world, personas, client):
    route, kwargs, query, file, whose = EXPORTS[table]
    url = reverse(route, kwargs={**kwargs, "fmt": fmt})
    org = whose(world)
    client.force_login(personas["staff_jinshui"])
    lines = lines_of(client.get(url, query))
    assert "2026" in lines[0][0] and len(lines[0]) == 1  # the title line with the data date
    body = lines[2:]
    assert any(org.code in row for row in body), body
    text = repr(body)
    for code in ("'abnormal'", "'open'", "'objection'", "'entry'", "'proposed'", "'complaint'"):
        assert code not in text  # labels, never the stored values
    event = AuditEvent.objects.get(action="file.download")
    assert event.data["file"] == file and event.actor_id == personas["staff_jinshui"].pk

    client.force_login(personas["staff_xinzheng"])  # another region: the same table, none of these rows
    other = lines_of(client.get(url, query))
    assert not any(org.code in row for row in other[2:])


def test_case_export_follows_the_inbox_filter(world, personas, client):
    client.force_login(personas["staff_jinshui"])
    url = reverse("cases:case_export", args=["csv"])
    everything = lines_of(client.get(url, {"status": ""}))[2:]
    repairs = lines_of(client.get(url, {"status": "", "kind": "repair"}))[2:]
    assert 0 < len(repairs) < len(everything)
    assert {row[0] for row in repairs} == {world["repair"].number}
    # the current step and the outcome in words, as the inbox shows them (never their codes)
    repair = world["repair"]
    row = repairs[0]
    assert repair.stage and row[10] == str(repair.stage_label) and repair.stage not in row
    type(repair).objects.filter(pk=world["rejected"].pk).update(outcome="not_accepted")
    again = lines_of(client.get(url, {"status": ""}))[2:]
    rejected = next(r for r in again if r[0] == world["rejected"].number)
    assert rejected[11] == "不予受理" and "not_accepted" not in rejected


def test_member_export_follows_the_page_filter(world, personas, client):
    client.force_login(personas["city_admin"])
    url = reverse("lists:entry_export", args=["abnormal", "csv"])
    assert len(lines_of(client.get(url))[2:]) == 1
    assert lines_of(client.get(url, {"q": "没有这个组织"}))[2:] == []
    response = client.get(url, {"as_of": "not-a-date"})
    assert response.status_code == 400 and "筛选条件有误" in response.content.decode()


def test_unknown_list_and_format_are_not_found(world, personas, client):
    client.force_login(personas["staff_jinshui"])
    assert client.get(reverse("lists:entry_export", args=["nosuch", "csv"])).status_code == 404
    assert client.get(reverse("cases:case_export", args=["pdf"])).status_code == 404
    assert not AuditEvent.objects.filter(action="file.download").exists()


def test_pages_link_to_their_exports(world, personas, client):
    client.force_login(personas["staff_jinshui"])
    pages = {
        reverse("lists:entry_list", args=["abnormal"]): reverse(
            "lists:entry_export", args=["abnormal", "csv"]
        ),
        reverse("lists:proposal_list"): reverse("lists:proposal_export", args=["xlsx"]),
        reverse("cases:case_list") + "?status=": reverse("cases:case_export", args=["csv"]),
        reverse("evaluation:run_list"): reverse("evaluation:score_export", args=["xlsx"]),
        reverse("annualreport_data:figure_page"): reverse("annualreport_data:figure_export", args=["csv"]),
    }
    for page, export in pages.items():
        assert f'href="{export}' in client.get(page).content.decode(), page
