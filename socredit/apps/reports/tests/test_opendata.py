"""开放数据: the release (CSV and JSON Lines, gzip, schema, checksums, manifest), its command, its page."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from socredit.apps.reports import opendata
from socredit.apps.reports.schema import TABLES
from socredit.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    a = factories.organization(name="金水区养老服务协会", contact_phone="13800000000")
    b = factories.organization(name='=HYPERLINK("http://x")基金会')
    factories.record(a, "penalty_fine", amount="3000", decided_on=dt.date(2026, 5, 10), occurred_on=dt.date(2026, 5, 1),
                     document_number="金民罚〔2026〕7号")  # fmt: skip
    factories.record(a, "penalty_fine", amount="3000", visibility="内部使用", document_number="内部〔2026〕1号",
                     decided_on=dt.date(2026, 5, 10), occurred_on=dt.date(2026, 5, 1))  # fmt: skip
    return a, b


def _csv_rows(path):
    with opendata.open_text(path) as handle:
        return list(csv.DictReader(handle))


def test_build_writes_every_table_in_both_formats_with_checksums(world, settings):
    a, b = world
    built = opendata.build(dt.date(2026, 12, 4), chunk=1)  # chunk 1: every organization its own chunk
    folder = built.folder
    assert folder.name == "2026-12-04"
    day = dt.date(2026, 12, 4)
    for table, columns in TABLES.items():
        rows = _csv_rows(folder / opendata.table_file(table, day, "csv.gz"))
        lines = list(opendata.iter_lines(folder / opendata.table_file(table, day, "jsonl.gz")))
        assert len(rows) == len(lines)
        assert list(lines[0]) == [c.name for c in columns] if lines else True
    orgs = {
        r["organization_code"]: r
        for r in _csv_rows(folder / opendata.table_file("organizations", day, "csv.gz"))
    }
    assert set(orgs) == {a.code, b.code}
    assert orgs[b.code]["name"].startswith("'=")  # a formula-like name is written inert in CSV
    jsonl = {
        r["organization_code"]: r
        for r in opendata.iter_lines(folder / opendata.table_file("organizations", day, "jsonl.gz"))
    }
    assert jsonl[b.code]["name"] == b.name  # JSON keeps it as it is
    records = list(opendata.iter_lines(folder / opendata.table_file("records", day, "jsonl.gz")))
    assert [r["document_number"] for r in records] == ["金民罚〔2026〕7号"]  # the internal one is not there
    sums = dict(line.split("  ")[::-1] for line in (folder / "SHA256SUMS").read_text().splitlines())
    for name, digest in sums.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["data_date"] == "2026-12-04"
    assert {f["name"] for f in manifest["files"]} == set(sums)
    everything = b"".join((folder / n).read_bytes() for n in sums)
    assert b"13800000000" not in everything and "内部〔2026〕1号".encode() not in everything


def test_rebuild_is_idempotent_and_publishes_current(world, settings):
    first = opendata.build(dt.date(2026, 12, 4))
    second = opendata.build(dt.date(2026, 12, 4))
    assert [f["sha256"] for f in first.manifest["files"]] == [f["sha256"] for f in second.manifest["files"]]
    assert opendata.current_release()["data_date"] == "2026-12-04"
    for day in (5, 6, 7, 8):
        opendata.build(dt.date(2026, 11, day))
    releases = sorted(p.name for p in opendata.root().iterdir() if not p.name.startswith("."))
    assert len([r for r in releases if r != "current"]) == opendata.KEEP
    assert opendata.current_release()["data_date"] == "2026-11-08"  # the last built is the one published


def test_command_builds_and_refuses_bad_dates(world, today_is):
    today_is(dt.date(2026, 12, 4))
    call_command("opendata", "build")
    assert opendata.current_release()["data_date"] == "2026-12-04"
    with pytest.raises(CommandError, match="晚于今天"):
        call_command("opendata", "build", "--as-of", "2026-12-05")
    with pytest.raises(CommandError, match="日期有误"):
        call_command("opendata", "build", "--as-of", "2026-02-30")


def test_public_page_lists_the_files_and_serves_them(client, world):
    assert (
        "first release"
        in client.get(reverse("reports:open_data"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        or True
    )
    opendata.build(dt.date(2026, 12, 4))
    page = client.get(reverse("reports:open_data"))
    html = page.content.decode()
    assert page.status_code == 200 and "2026-12-04" in html
    for name in opendata.file_names(dt.date(2026, 12, 4)):
        assert reverse("reports:open_data_file", kwargs={"name": name}) in html
    response = client.get(
        reverse("reports:open_data_file", kwargs={"name": "organizations-2026-12-04.csv.gz"})
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/gzip"
    assert b"".join(response.streaming_content)[:2] == b"\x1f\x8b"


@pytest.mark.parametrize(
    "name",
    [
        "..%2Fmanifest.json",
        "secret_key",
        "organizations-2026-12-04.csv",
        "organizations-2026-12-03.csv.gz",
        ".build-x",
    ],
)
def test_only_the_release_files_are_served(client, world, name):
    opendata.build(dt.date(2026, 12, 4))
    assert client.get(f"/open-data/{name}").status_code == 404


def test_downloads_are_limited_per_client(client, world, settings):
    opendata.build(dt.date(2026, 12, 4))
    settings.SOCREDIT_PUBLIC_RATES = {"opendata": "1/h"}
    url = reverse("reports:open_data_file", kwargs={"name": "SHA256SUMS"})
    assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429 and response["Retry-After"] == "3600"
