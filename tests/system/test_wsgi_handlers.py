"""The WSGI application as gunicorn calls it: a department system's call (bearer token, no cookie)
goes through the short middleware chain and answers exactly what the full chain answers; every
other request, an API call from a staff session included, goes through the full chain."""

import json

import pytest
from django.conf import settings
from django.test import RequestFactory

from socredit.apps.audit.models import AuditEvent
from socredit.apps.records.models import CreditRecord
from socredit.common.wsgi import TokenCallHandler, is_token_call
from socredit.testing import factories
from socredit.wsgi import application

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_test_transaction")]


def call(method, path, *, token=None, cookie=None, body=None):
    """Status, headers and JSON body of ``application`` (socredit.wsgi) for one request."""
    extra = {}
    if token:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if cookie:
        extra["HTTP_COOKIE"] = cookie
    factory = RequestFactory()
    if body is None:
        environ = getattr(factory, method)(path, **extra).environ
    else:
        environ = getattr(factory, method)(
            path, json.dumps(body), content_type="application/json", **extra
        ).environ
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = int(status.split()[0]), dict(headers)

    result = application(environ, start_response)
    try:
        content = b"".join(result)
    finally:
        result.close()
    return seen["status"], seen["headers"], json.loads(content) if content else None


@pytest.fixture
def org(personas):
    return factories.organization(region_code="410105", name="金水区养老服务协会")


@pytest.fixture
def reader(civil_affairs):
    return factories.token(
        ["organizations:read", "credit:read", "records:read", "records:write"], civil_affairs
    )[1]


def test_which_requests_are_token_calls():
    api = {"PATH_INFO": "/api/v1/organizations/X", "HTTP_AUTHORIZATION": "Bearer sc_x"}
    assert is_token_call(api)
    assert is_token_call({**api, "HTTP_AUTHORIZATION": "bearer sc_x"})
    assert not is_token_call({**api, "HTTP_COOKIE": "sessionid=abc"})  # a browser: the full chain
    assert not is_token_call({**api, "HTTP_AUTHORIZATION": "Basic eDp5"})
    assert not is_token_call({**api, "PATH_INFO": "/organizations/"})  # a page, even with a token
    assert not is_token_call({"PATH_INFO": "/api/v1/organizations"})


def test_the_short_chain_is_built_from_its_own_list_and_leaves_the_settings_alone():
    before = list(settings.MIDDLEWARE)
    handler = TokenCallHandler()
    handler.load_middleware()
    assert before == settings.MIDDLEWARE
    assert len(settings.TOKEN_CALL_MIDDLEWARE) < len(settings.MIDDLEWARE)
    assert "django.contrib.sessions.middleware.SessionMiddleware" not in settings.TOKEN_CALL_MIDDLEWARE


@pytest.mark.parametrize(
    "path",
    ["/api/v1/organizations/{code}", "/api/v1/organizations/{code}/credit", "/api/v1/organizations/91410000MA00000000",
     "/api/v1/organizations?q=养老服务"],
)  # fmt: skip
def test_a_token_call_answers_what_the_full_chain_answers(org, reader, path):
    path = path.format(code=org.code)
    short = call("get", path, token=reader)
    full = call("get", path, token=reader, cookie="unrelated=1")  # any cookie: the full chain
    assert short[0] == full[0] and short[2] == full[2]
    assert short[0] in (200, 404)
    assert short[1]["Content-Type"] == full[1]["Content-Type"]
    assert short[1]["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware is in both chains


def test_a_bad_token_is_refused_the_same_way(org):
    short = call("get", f"/api/v1/organizations/{org.code}", token="sc_not-a-real-key")
    full = call("get", f"/api/v1/organizations/{org.code}", token="sc_not-a-real-key", cookie="unrelated=1")
    assert short[0] == full[0] == 401
    assert short[2] == full[2]


def test_a_token_call_writes_through_the_service_with_its_audit_event(org, reader):
    body = {"organization": org.code, "kind": "penalty_warning", "occurred_on": "2024-05-10",
            "document_number": "郑民罚〔2024〕7号"}  # fmt: skip
    status, _headers, answer = call("post", "/api/v1/records", token=reader, body=body)
    assert status == 201, answer
    record = CreditRecord.objects.get(pk=answer["id"])
    assert record.organization_id == org.pk
    assert AuditEvent.objects.filter(action="record.create", target_id=str(record.pk)).exists()


def test_a_staff_session_still_goes_through_the_full_chain(client, personas, org):
    client.force_login(personas["staff_jinshui"])
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    status, _headers, answer = call("get", f"/api/v1/organizations/{org.code}", cookie=cookie)
    assert status == 200 and answer["code"] == org.code
    # without the session (and without a token) the same call is refused
    assert call("get", f"/api/v1/organizations/{org.code}")[0] == 401
