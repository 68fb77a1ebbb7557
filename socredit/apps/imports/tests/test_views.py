"""The upload page end to end (upload → result → report), access refusals, templates, the command."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from socredit.apps.imports.columns import RECORD_COLUMNS
from socredit.apps.imports.models import ImportRun
from socredit.apps.records.models import CreditRecord
from socredit.common.imports import write_csv
from socredit.testing import factories

pytestmark = pytest.mark.django_db

HEAD = [c.header for c in RECORD_COLUMNS]  # the plain Chinese headers


def records_file(org, docs, encoding="utf-8-sig"):
    rows = [
        [org.code, "penalty_warning", "2024-05-10", "", d, "", "郑州市民政局", "", "", "", "", ""]
        for d in docs
    ]
    return write_csv(HEAD, rows).decode("utf-8-sig").encode(encoding)


@pytest.fixture
def org(personas, civil_affairs):
    return factories.organization("410105", registered_on=dt.date(2015, 3, 1))


def test_upload_result_and_report_end_to_end(login, personas, org, run_worker):
    client = login(personas["staff_jinshui"])
    page = client.get(reverse("imports:importrun_list"))
    assert page.status_code == 200 and "上传文件" in page.content.decode()  # zh-hans from the app catalogue
    content = records_file(org, ["V-1", "V-1", "V-2"], encoding="gb18030")  # Chinese Excel's CSV encoding
    resp = client.post(
        reverse("imports:importrun_list"),
        {"kind": "records", "file": SimpleUploadedFile("记录.csv", content)},
    )
    run = ImportRun.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("imports:importrun_detail", args=[run.pk])
    assert run_worker() == 1
    run.refresh_from_db()
    assert (run.created, run.error_rows, run.channel) == (2, 1, "import")
    page = client.get(resp["Location"])
    assert page.status_code == 200 and "与第 2 行的文书号重复" in page.content.decode()
    report = client.get(reverse("imports:importrun_report", args=[run.pk, "csv"]))
    lines = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert lines[0][:3] == ["行号（row）", "错误原因（errors）", "统一社会信用代码（organization）"]
    assert lines[1][:2] == [
        "3",
        "文书号（document_number）：与第 2 行的文书号重复（同一发布部门的文书号不能重复）",
    ]
    assert lines[1][2:7] == [org.code, "penalty_warning", "2024-05-10", "", "V-1"]  # the row's own values
    xlsx = client.get(reverse("imports:importrun_report", args=[run.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(2, 1).value == 3
    history = client.get(reverse("imports:importrun_list")).content.decode()
    assert "记录.csv" in history


def test_dry_run_upload_writes_no_records(login, personas, org, run_worker):
    client = login(personas["staff_jinshui"])
    client.post(reverse("imports:importrun_list"),
                {"kind": "records", "dry_run": "on", "file": SimpleUploadedFile("r.csv", records_file(org, ["D-1"]))})  # fmt: skip
    assert run_worker() == 1
    run = ImportRun.objects.get()
    assert run.dry_run and run.created == 1 and run.rows_written == 0 and not CreditRecord.objects.exists()


def test_templates_download_and_read_back(login, personas):
    client = login(personas["staff_jinshui"])
    for kind in ("organizations", "roles", "records"):
        c = client.get(reverse("imports:import_template", args=[kind, "csv"]))
        assert c.status_code == 200 and "统一社会信用代码（" in c.content.decode("utf-8-sig")
        x = client.get(reverse("imports:import_template", args=[kind, "xlsx"]))
        book = openpyxl.load_workbook(io.BytesIO(x.content))
        assert book.worksheets[0].max_row == 2  # the sheet an import reads: headers and the example
        assert book.sheetnames[1] == "可填写的值"


def test_viewer_and_anonymous_are_refused(client, login, personas):
    assert client.get(reverse("imports:importrun_list")).status_code == 302  # to login
    viewer = login(personas["viewer_jinshui"])
    assert viewer.get(reverse("imports:importrun_list")).status_code == 403
    assert viewer.get(reverse("imports:import_template", args=["records", "csv"])).status_code == 403


def test_runs_of_another_region_are_not_found(login, personas, org):
    run = ImportRun.objects.create(kind="records", file_name="x.csv", sha256="0" * 64, actor=personas["staff_jinshui"],
                                   actor_label="staff_jinshui", channel="import")  # fmt: skip
    outsider = login(personas["staff_xinzheng"])
    assert outsider.get(reverse("imports:importrun_detail", args=[run.pk])).status_code == 404
    assert outsider.get(reverse("imports:importrun_report", args=[run.pk, "csv"])).status_code == 404
    city = login(personas["city_admin"])
    assert city.get(reverse("imports:importrun_detail", args=[run.pk])).status_code == 200


def test_out_of_scope_user_cannot_import_into_another_region(login, personas, org, run_worker):
    client = login(personas["staff_xinzheng"])
    client.post(reverse("imports:importrun_list"),
                {"kind": "records", "file": SimpleUploadedFile("r.csv", records_file(org, ["S-1"]))})  # fmt: skip
    run_worker()
    run = ImportRun.objects.get()
    assert run.created == 0 and run.errors[0]["field"] == "organization"
    assert not CreditRecord.objects.exists()


def test_command_imports_with_report(tmp_path, personas, org):
    path = tmp_path / "r.csv"
    path.write_bytes(records_file(org, ["C-1", "C-1"]))
    out = io.StringIO()
    call_command(
        "import",
        "records",
        str(path),
        "--as",
        "staff_jinshui",
        "--report",
        str(tmp_path / "e.csv"),
        stdout=out,
    )
    assert "新增 1" in out.getvalue() and "错误行 1" in out.getvalue()
    assert "文书号重复" in (tmp_path / "e.csv").read_text(encoding="utf-8-sig")
    run = ImportRun.objects.get()
    assert run.channel == "cli" and run.actor == personas["staff_jinshui"]
    call_command("import", "records", str(path), "--dry-run", stdout=out)
    assert CreditRecord.objects.count() == 1
    with pytest.raises(CommandError, match="没有写入权限"):
        call_command("import", "records", str(path), "--as", "viewer_jinshui")
    (tmp_path / "bad.csv").write_bytes(b"x,y\n1,2\n")
    with pytest.raises(CommandError, match="缺少必需的列"):
        call_command("import", "records", str(tmp_path / "bad.csv"))
