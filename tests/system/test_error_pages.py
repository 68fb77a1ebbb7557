"""Errors that help: 400, 403, 404 and 500 answer in the product's layout and language, with the
navigation of whoever is signed in and a way back to their home; the API answers JSON.

The 500 page is rendered with DEBUG off through a view that raises (this module is the URLconf of
those tests: the product's routes plus two that fail), and without touching the database.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import path
from django.utils import translation

import socredit.urls
from socredit.common import errorpages
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("api/v1/boom/", _boom), path("my/boom/", _boom), *socredit.urls.urlpatterns]
handler400 = socredit.urls.handler400
handler403 = socredit.urls.handler403
handler404 = socredit.urls.handler404
handler500 = socredit.urls.handler500

LANGUAGES = {
    "zh-hans": {
        404: "页面不存在",
        403: "您无权使用此页面",
        500: "平台出现错误",
        "brand": "社会组织信用管理平台",
        "home_staff": "社会组织列表",
        "home_org": "我的信用档案",
        "home_anonymous": "工作人员登录",
        "read_only": "只能查阅信用档案",
        "org_only": "只能使用本组织的信用档案",
    },
    "en": {
        404: "Page not found",
        403: "You may not use this page",
        500: "Something went wrong on our side",
        "brand": "Social Organization Credit Management Platform",
        "home_staff": "Organization list",
        "home_org": "My credit file",
        "home_anonymous": "Staff sign in",
        "read_only": "can read the credit files but not change them",
        "org_only": "works only in its own credit file",
    },
}
HOME = {"staff": "/organizations/", "org": "/my/", "anonymous": "/accounts/login/"}


def _client(persona: str, language: str, personas) -> Client:
    client = Client()
    if language != settings.LANGUAGE_CODE:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if persona == "staff":
        client.force_login(personas["staff_jinshui"])
    elif persona == "viewer":
        client.force_login(personas["viewer_jinshui"])
    elif persona == "org":
        client.force_login(factories.org_account(factories.organization(region_code="410105")))
    return client


def _text(response: HttpResponse) -> str:
    return response.content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("persona", ["anonymous", "staff", "org"])
def test_not_found_page_has_the_layout_and_a_way_home(persona, language, personas):
    client = _client(persona, language, personas)
    response = client.get("/my/no-such-page/", headers={"Referer": "http://testserver/my/?p=2"})
    words = LANGUAGES[language]
    assert response.status_code == 404
    body = _text(response)
    assert response["Content-Type"].startswith("text/html")
    assert f'<html lang="{language}">' in body
    assert words[404] in body and words["brand"] in body
    assert 'class="topbar"' in body and "/static/socredit/app.css" in body
    assert f'href="{HOME[persona]}"' in body and words[f"home_{persona}"] in body
    assert 'href="http://testserver/my/?p=2"' in body  # back to where they came from
    assert "URLconf" not in body and "Traceback" not in body  # never Django's debug page
    if persona == "staff":
        assert 'class="mainnav"' in body and 'href="/organizations/"' in body
    if persona == "anonymous":
        assert 'href="/public/complaints/new/"' in body  # the public service is open to them
    # the language switch works from the error page too
    assert 'name="language" value="en"' in body


def test_a_way_back_only_to_our_own_pages(personas):
    client = _client("staff", "zh-hans", personas)
    body = _text(client.get("/nowhere/", headers={"Referer": "https://evil.example/phish"}))
    assert "evil.example" not in body and "返回上一页" not in body


def test_an_out_of_region_organization_is_a_plain_not_found(personas):
    org = factories.organization(region_code="410105")
    client = _client("staff", "zh-hans", personas)
    client.force_login(personas["staff_xinzheng"])
    response = client.get(f"/organizations/{org.code}/")
    assert response.status_code == 404
    assert "页面不存在" in _text(response) and org.name not in _text(response)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_forbidden_page_explains_by_persona(language, personas):
    words = LANGUAGES[language]
    viewer = _client("viewer", language, personas).get("/cases/complaints/new/")
    assert viewer.status_code == 403
    assert words[403] in _text(viewer) and words["read_only"] in _text(viewer)
    assert 'href="/organizations/"' in _text(viewer)
    org = _client("org", language, personas).get("/organizations/")
    assert org.status_code == 403
    assert words["org_only"] in _text(org) and 'href="/my/"' in _text(org)
    assert "403 Forbidden" not in _text(org) and "“我的信用档案”页面" not in _text(org)  # not the exception


def test_an_expired_form_gets_the_csrf_page(personas):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "表单未能提交" in _text(response) and 'class="topbar"' in _text(response)


def test_a_request_for_another_host_gets_the_400_page():
    response = Client().get("/accounts/login/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "无法识别的请求" in _text(response)


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("persona", ["anonymous", "staff", "org"])
def test_server_error_page(persona, language, personas):
    client = _client(persona, language, personas)
    client.raise_request_exception = False
    response = client.get("/my/boom/")
    words = LANGUAGES[language]
    assert response.status_code == 500
    body = _text(response)
    assert f'<html lang="{language}">' in body
    assert words[500] in body and words["brand"] in body and 'href="/"' in body
    assert "/static/socredit/app.css" in body
    assert "a bug" not in body and "Traceback" not in body and "RuntimeError" not in body


def test_server_error_page_needs_no_database_nor_context(django_assert_num_queries):
    request = RequestFactory().get("/organizations/")  # no session, no user: as after a failed middleware
    with django_assert_num_queries(0), translation.override("en"):
        response = errorpages.server_error(request)
    assert response.status_code == 500
    assert "Something went wrong on our side" in _text(response)


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_the_api_keeps_answering_json(personas):
    client = _client("staff", "zh-hans", personas)
    client.raise_request_exception = False
    missing = client.get("/api/v1/no-such-endpoint/")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not found"}
    failed = client.get("/api/v1/boom/")
    assert failed.status_code == 500 and failed.json() == {"detail": "Server error"}
    anonymous = Client().get("/api/v1/nothing/here/")
    assert anonymous.status_code == 404 and anonymous["Content-Type"] == "application/json"
