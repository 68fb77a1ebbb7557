"""导出 of the organization list, and the export building block (socredit.common.exports): CSV with a
BOM streamed, XLSX read back with openpyxl, the title line with the data date, the filename, the
list's exact filter and scope, labels not codes, chunked reading, the XLSX row limit, the audit."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from socredit.apps.audit.models import AuditEvent
from socredit.common import exports
from socredit.common.clock import fixed
from socredit.core.types import OrgField, OrgType
from socredit.testing import factories

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 3)


def url(fmt):
    return reverse("registry:organization_export", args=[fmt])


@pytest.fixture
def orgs(personas):
    return {
        "elder": factories.organization(name="金水区夕阳红养老服务中心", org_type=OrgType.SERVICE_INSTITUTION,
                                        field=OrgField.ELDER_CARE.value),
        "chamber": factories.organization(name="=金水区餐饮行业商会", field=OrgField.INDUSTRY.value),
        "xinzheng": factories.organization(region_code="410184", name="新郑市红枣产业协会"),
    }  # fmt: skip


def read_csv(response):
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel opens the Chinese right
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response):
    body = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def test_csv_is_the_filtered_list_in_words_with_the_data_date(orgs, personas, login):
    with fixed(DAY):
        response = login(personas["staff_jinshui"]).get(url("csv"), {"field": OrgField.ELDER_CARE.value})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"organizations-2026-12-03.csv\"; filename*=UTF-8''organizations-2026-12-03.csv"
    )
    lines = read_csv(response)
    assert lines[0] == ["社会组织 · 数据日期 2026-12-03"]
    assert lines[1][:4] == ["名称", "统一社会信用代码", "类型", "业务领域"]
    assert [line[0] for line in lines[2:]] == ["金水区夕阳红养老服务中心"]
    assert lines[2][2:5] == [
        "社会服务机构（民办非企业单位）",
        "养老服务",
        "金水区",
    ]  # labels, never the stored codes


def test_xlsx_opens_with_openpyxl_and_holds_the_scoped_rows(orgs, personas, login):
    response = login(personas["staff_jinshui"]).get(url("xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = read_xlsx(response)
    names = {r[0] for r in rows[2:]}
    assert names == {"金水区夕阳红养老服务中心", "=金水区餐饮行业商会"}  # 新郑市 is outside the region
    assert rows[1][1] == "统一社会信用代码"


def test_a_formula_like_name_stays_text(orgs, personas, login):
    lines = read_csv(login(personas["city_admin"]).get(url("csv"), {"q": "餐饮"}))
    assert lines[2][0] == "'=金水区餐饮行业商会"
    rows = read_xlsx(login(personas["city_admin"]).get(url("xlsx"), {"q": "餐饮"}))
    assert rows[2][0] == "=金水区餐饮行业商会"  # a text cell, not a formula


def test_english_headers(orgs, personas, login):
    client = login(personas["city_admin"])
    client.cookies["django_language"] = "en"
    lines = read_csv(client.get(url("csv"), {"org_type": OrgType.SERVICE_INSTITUTION.value}))
    assert lines[1][:2] == ["Name", "Unified social credit code"]
    assert lines[2][2].startswith("Social service institution")


def test_each_export_is_an_audited_download_with_its_filter(orgs, personas, login):
    login(personas["staff_jinshui"]).get(url("csv"), {"q": "养老"})
    event = AuditEvent.objects.get(action="file.download")
    assert event.data["file"] == "export_organizations" and event.data["query"] == "q=%E5%85%BB%E8%80%81"
    assert event.actor_id == personas["staff_jinshui"].pk


def test_a_bad_filter_is_refused_naming_it(orgs, personas, login):
    response = login(personas["staff_jinshui"]).get(url("csv"), {"score_min": "abc"})
    assert response.status_code == 400
    from django.utils import translation

    from socredit.apps.registry.filters import OrganizationFilter

    with translation.override("zh-hans"):
        label = str(OrganizationFilter.base_filters["score_min"].label)
    assert f"筛选条件有误：{label}" in response.content.decode()
    assert not AuditEvent.objects.filter(action="file.download").exists()


def test_unknown_format_is_404_and_anonymous_goes_to_login(personas, login):
    from django.test import Client

    assert Client().get(url("csv")).status_code == 302
    assert login(personas["staff_jinshui"]).get(url("pdf")).status_code == 404


def test_xlsx_over_the_sheet_limit_is_refused_with_the_way_out(orgs, personas, login, monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 1)
    response = login(personas["staff_jinshui"]).get(url("xlsx"))
    assert response.status_code == 400
    assert "CSV" in response.content.decode()
    assert login(personas["staff_jinshui"]).get(url("csv")).status_code == 200  # CSV has no such limit


def test_rows_are_read_lazily_in_chunks(orgs, personas, login, monkeypatch):
    """The rows come from `.iterator(chunk_size=…)`, and the response is consumed as it streams."""
    from django.db.models.query import QuerySet

    seen = []
    real = QuerySet.iterator

    def spy(self, chunk_size=None):
        seen.append(chunk_size)
        return real(self, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", spy)
    response = login(personas["city_admin"]).get(url("csv"))
    assert seen == []  # nothing read before the body is streamed
    assert len(read_csv(response)) == 2 + 3
    assert seen == [exports.EXPORT_CHUNK]


def test_the_list_page_links_to_its_export_with_the_filter(orgs, personas, login):
    html = (
        login(personas["staff_jinshui"])
        .get(reverse("registry:organization_list"), {"q": "养老"})
        .content.decode()
    )
    assert f'href="{url("csv")}?q=%E5%85%BB%E8%80%81"' in html and "导出 Excel" in html


def test_block_csv_chunks_and_file_names():
    lines = ([str(i), "x" * 100] for i in range(2000))
    chunks = list(exports.csv_chunks(lines))
    assert len(chunks) > 2  # streamed in pieces, not one body
    assert b"".join(chunks).decode("utf-8-sig").count("\n") == 2000
    assert exports.content_disposition("名录 2026.csv") == (
        "attachment; filename=\"___2026.csv\"; filename*=UTF-8''%E5%90%8D%E5%BD%95%202026.csv"
    )
    assert exports.too_many_rows("xlsx", exports.XLSX_MAX_ROWS) is None
    assert exports.too_many_rows("xlsx", exports.XLSX_MAX_ROWS + 1)
    assert exports.too_many_rows("csv", 10**9) is None
