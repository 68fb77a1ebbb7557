"""The portal's pages: anonymous, Chinese by default, English on request; bad input answered clearly."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from socredit.apps.portal.tests.conftest import SECRET
from socredit.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


def test_home_is_public(client, world):
    html = client.get("/").content.decode()
    assert "社会组织信用信息" in html and 'action="/search/"' in html
    assert reverse("public:complaint_new") in html and reverse("accounts:login") in html
    for kind in ("abnormal", "serious", "red"):
        assert reverse("portal:list", args=[kind]) in html


def test_english(client, world):
    client.cookies["django_language"] = "en"
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert "Social organization credit information" in html
    profile = client.get(reverse("portal:profile", args=[world["org"].code])).content.decode()
    assert "Administrative penalties" in profile and "Penalty: fine" in profile


def test_sign_in_lands_where_it_did(client, personas, world):
    response = client.post(
        reverse("accounts:login"), {"username": "staff_jinshui", "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == reverse("registry:organization_list")
    client.logout()
    client.force_login(factories.org_account(world["org"]))
    assert client.get(reverse("portal:start"))["Location"] == "/my/"
    assert client.get("/").status_code == 200  # the public home is theirs too
    assert client.get(reverse("portal:profile", args=[world["other"].code])).status_code == 200
    client.logout()
    assert client.get(reverse("portal:start"))["Location"] == reverse("accounts:login")


def test_search_page(client, world):
    html = client.get("/search/", {"q": "养老"}).content.decode()
    assert world["org"].name in html and reverse("portal:profile", args=[world["org"].code]) in html
    assert "1" in html


def test_a_broad_search_says_more_than_its_cap(client, world, monkeypatch):
    from socredit.apps.portal import public

    monkeypatch.setattr(public, "SEARCH_CAP", 1)
    for language, text in (("zh-hans", "找到超过 1 个社会组织"), ("en", "More than 1 organizations found")):
        client.cookies["django_language"] = language
        html = client.get("/search/", {"q": "金水区"}).content.decode()
        assert text in html, language
        assert client.get("/search/", {"q": world["org"].code}).content.decode().count(text) == 0


def test_search_rows_render_stored_markup_inert(client, world):
    """The result rows are written by a tag, not the template: names and former names still reach the
    page escaped (text stored before any validation, or by a raw write, included)."""
    from socredit.apps.registry.models import Organization
    from socredit.testing import factories

    org = factories.organization(name="金水区标记测试协会")
    Organization.objects.filter(pk=org.pk).update(
        name='金水区<b>标记</b>测试"协会"&', former_names="<script>alert(2)</script>标记测试旧名\n"
    )
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        html = client.get("/search/", {"q": "标记"}).content.decode()
        assert "<b>标记</b>" not in html and "<script>alert(2)" not in html
        assert "金水区&lt;b&gt;标记&lt;/b&gt;测试&quot;协会&quot;&amp;" in html
        assert "&lt;script&gt;alert(2)&lt;/script&gt;标记测试旧名" in html
        assert f'href="{reverse("portal:profile", args=[org.code])}"' in html
    assert "Former names" in html and "曾用名" not in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "长" * 300}, "200"),
        ({"q": "协会", "region": "没有这个地方"}, "没有这个地方"),
        ({"q": "协会", "org_type": "x"}, ""),
    ],
)
def test_search_bad_input(client, world, params, message):
    response = client.get("/search/", params)
    assert response.status_code == 400 and message in response.content.decode()


def test_search_empty_and_punctuation(client, world):
    assert client.get("/search/").status_code == 200
    assert client.get("/search/", {"q": ""}).status_code == 200
    response = client.get("/search/", {"q": "%%%!!!"})
    assert response.status_code == 200 and "没有符合" in response.content.decode()
    assert client.get("/search/", {"q": "养老", "page": "999999999999999999"}).status_code == 200


def test_profile_page(client, world):
    org = world["org"]
    html = client.get(reverse("portal:profile", args=[org.code])).content.decode()
    assert org.name in html and "金民罚〔2026〕1号" in html and "异议中" in html
    assert "金民异〔2026〕1号" in html and "金民异〔2023〕2号" in html
    for rec in ("shared", "internal", "old", "repaired", "minor"):
        assert world[rec].document_number not in html, rec
    assert SECRET not in html and world["rep"].id_number not in html and "13800000000" not in html
    # stored HTML is inert
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    report = reverse("public:complaint_new") + f"?org={org.code}"
    assert report in html


def test_profile_unknown_and_malformed_codes(client, world):
    assert client.get(reverse("portal:profile", args=["91410105MA0000000X"])).status_code == 404
    assert client.get("/o/%3Cscript%3E/").status_code == 404
    assert client.get("/o/" + "9" * 300 + "/").status_code == 404
    lower = client.get(reverse("portal:profile", args=[world["org"].code.lower()]))
    assert lower.status_code == 302 and lower["Location"] == reverse(
        "portal:profile", args=[world["org"].code]
    )


def test_complaint_form_pre_filled(client, world):
    org = world["org"]
    html = client.get(reverse("public:complaint_new"), {"org": org.code}).content.decode()
    assert f'value="{org.code}"' in html and f'value="{org.name}"' in html
    assert client.get(reverse("public:complaint_new"), {"org": "nonsense"}).status_code == 200


def test_list_pages(client, world):
    html = client.get(reverse("portal:list", args=["abnormal"])).content.decode()
    assert "金民异〔2026〕1号" in html and "金民异〔2023〕2号" not in html  # current only by default
    assert "金民异〔2026〕停4号" not in html  # publicity suspended during an objection
    removed = client.get(reverse("portal:list", args=["abnormal"]), {"status": "removed"}).content.decode()
    assert "金民异〔2023〕2号" in removed and "2023-09-01" in removed
    serious = client.get(reverse("portal:list", args=["serious"]), {"status": "all"}).content.decode()
    assert "金民严〔2025〕错3号" not in serious  # annulled on an objection
    red = client.get(reverse("portal:list", args=["red"])).content.decode()
    assert "金民红〔2026〕5号" in red
    assert "R1." not in html + removed + red and SECRET not in html + removed + red
    assert client.get(reverse("portal:list", args=["nonsense"])).status_code == 404


def test_list_filters_and_bad_input(client, world):
    url = reverse("portal:list", args=["abnormal"])
    assert "金民异〔2026〕1号" not in client.get(url, {"region": "二七区"}).content.decode()
    assert "金民异〔2026〕1号" in client.get(url, {"region": "金水区"}).content.decode()
    assert "金民异〔2026〕1号" not in client.get(url, {"entered_from": "2026-09-01"}).content.decode()
    bad = client.get(url, {"entered_from": "not a date"})
    assert bad.status_code == 400
    backwards = client.get(url, {"entered_from": "2026-09-01", "entered_to": "2026-01-01"})
    assert backwards.status_code == 400
    assert client.get(url, {"ground": "999"}).status_code == 400


def test_list_downloads(client, world):
    url = reverse("portal:list_download", args=["abnormal", "csv"])
    response = client.get(url, {"status": "all"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == "组织名称" or rows[1][3] == "列入日期"
    numbers = {r[7] for r in rows[2:]}
    assert numbers == {"金民异〔2026〕1号", "金民异〔2023〕2号"}
    assert SECRET not in text and "R1." not in text
    xlsx = client.get(reverse("portal:list_download", args=["abnormal", "xlsx"]), {"status": "removed"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    values = [[c for c in row] for row in book.active.iter_rows(values_only=True)]
    assert values[2][7] == "金民异〔2023〕2号" and str(values[2][8]).startswith("2023-09-01")
    assert client.get(reverse("portal:list_download", args=["abnormal", "pdf"])).status_code == 404


@override_settings(SOCREDIT_PUBLIC_RATES={"search": "3/m", "download": "2/m"})
def test_rate_limits(client, world):
    for _ in range(3):
        assert client.get("/search/", {"q": "养老"}).status_code == 200
    limited = client.get("/search/", {"q": "养老"})
    assert limited.status_code == 429 and "请等待 1 分钟后再试" in limited.content.decode()
    assert limited["Retry-After"] == "60"
    url = reverse("portal:list_download", args=["red", "csv"])
    assert client.get(url).status_code == 200 and client.get(url).status_code == 200
    assert client.get(url).status_code == 429
    assert client.get("/").status_code == 200  # the home is not limited
