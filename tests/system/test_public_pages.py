"""Nothing that is not public appears on any public route.

Against crafted data (``socredit.apps.portal.tests.conftest.world``: an organization with shared,
internal, expired, repaired and 轻微 records, an ID number in a summary, a masked one in a registration
record, a contact person and phone, a reporter and an objector, internal notes in a decision, a listing
annulled on an objection and one suspended during an objection), every route of the portal and the
public complaint pages is opened in both languages, downloads included, and its whole answer is
searched for each thing that must not be there. A new public route fails ``test_every_public_route_is_swept``
until it is added to ``VISITS``.
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.cache import caches
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from socredit.apps.portal.tests.conftest import SECRET
from socredit.apps.portal.tests.conftest import world as crafted  # noqa: F401  (a fixture)
from socredit.core.citations import internal_codes_in
from tests.system.test_no_internal_codes import raw_values, visible_text

pytestmark = pytest.mark.django_db

PUBLIC_NAMESPACES = ("portal", "public")
NOT_PAGES = {"portal:start"}  # a redirect by account, no content


def _visits(w: dict[str, Any]) -> dict[str, list[tuple[str, dict[str, str]]]]:
    """route → the URLs (with query) the sweep opens."""
    lists = [(reverse("portal:list", args=[k]), {"status": s}) for k in ("abnormal", "serious", "red")
             for s in ("current", "removed", "all")]  # fmt: skip
    downloads = [(reverse("portal:list_download", args=[k, f]), {"status": "all"})
                 for k in ("abnormal", "serious", "red") for f in ("csv", "xlsx")]  # fmt: skip
    profiles = [(reverse("portal:profile", args=[w[o].code]), {}) for o in ("org", "other")]
    return {
        "portal:home": [("/", {})],
        "portal:search": [
            ("/search/", {"q": q}) for q in ("养老", "金水区", w["org"].code, "老年服务", "税")
        ],
        "portal:profile": profiles,
        "portal:list": lists,
        "portal:list_download": downloads,
        "public:complaint_new": [(reverse("public:complaint_new"), {"org": w["org"].code})],
        "public:complaint_lookup": [(reverse("public:complaint_lookup"), {})],
    }


def _public_routes() -> set[str]:
    def walk(resolver: URLResolver, namespace: str = "") -> set[str]:
        out: set[str] = set()
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                out |= walk(p, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name and namespace in PUBLIC_NAMESPACES:
                out.add(f"{namespace}:{p.name}")
        return out

    return walk(get_resolver()) - NOT_PAGES


def _body(response: Any) -> str:
    data = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        book = openpyxl.load_workbook(io.BytesIO(data))
        return "\n".join(
            str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c
        )
    return data.decode("utf-8-sig")


def _forbidden(w: dict[str, Any]) -> list[str]:
    out = [SECRET, w["rep"].id_number, "13800000000", "13900000000", "13700000000", "联系人李四", "举报人钱七",
           "异议人赵六", "金民严〔2025〕错3号", "<script>alert(1)</script>"]  # fmt: skip
    out += [w[r].document_number for r in ("shared", "internal", "old", "repaired", "minor")]
    return out


@pytest.fixture(autouse=True)
def _fresh_limits():
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


def test_every_public_route_is_swept(crafted):  # noqa: F811
    assert set(_visits(crafted)) == _public_routes()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_nothing_non_public_on_any_public_route(client, crafted, language):  # noqa: F811
    client.cookies["django_language"] = language
    forbidden = _forbidden(crafted)
    raw_values_in = raw_values(language)
    seen = 0
    for route, visits in _visits(crafted).items():
        for url, query in visits:
            caches["ratelimit"].clear()
            response = client.get(url, query)
            assert response.status_code == 200, (route, url, query, response.status_code)
            body = _body(response)
            for thing in forbidden:
                assert thing not in body, (route, url, query, thing)
            if route.startswith("portal:"):
                text = visible_text(body) if response["Content-Type"].startswith("text/html") else body
                assert internal_codes_in(text) == [], (route, url, internal_codes_in(text))
                assert raw_values_in(text) == [], (route, url, raw_values_in(text))
            seen += 1
    assert seen >= 25


def test_the_public_is_shown(client, crafted):  # noqa: F811
    """The sweep is not vacuous: what is public is on the pages it opens."""
    org = crafted["org"]
    profile = client.get(reverse("portal:profile", args=[org.code])).content.decode()
    for thing in ("金民罚〔2026〕1号", "金民评〔2024〕6号", "郑表〔2025〕7号", "金民异〔2026〕1号", "金民异〔2023〕2号",
                  "王法人", "公开承诺事项", "金水区老年服务会", "&lt;script&gt;"):  # fmt: skip
        assert thing in profile, thing
    assert org.name in client.get("/search/", {"q": "养老"}).content.decode()
