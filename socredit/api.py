"""The NinjaAPI root (v1): authentication, error shapes and the routers of each app.

Two ways in:
  * a department system sends `Authorization: Bearer sc_…` (an ApiToken; its scopes decide);
  * a signed-in staff member's browser session (CSRF-checked on writes; the post decides).
Docs at /api/v1/docs, schema at /api/v1/openapi.json.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DataError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from socredit.apps.accounts.services import authenticate_token
from socredit.apps.annualreports.api_data import router as annualreports_router
from socredit.apps.bans.api import router as bans_router
from socredit.apps.cases.api import router as cases_router
from socredit.apps.commitments.api import router as commitments_router
from socredit.apps.evaluation.api import router as evaluation_router
from socredit.apps.lists.api import router as lists_router
from socredit.apps.measures.api import router as measures_router
from socredit.apps.records.api import router as records_router
from socredit.apps.registry.api import router as registry_router
from socredit.apps.registry.api_registration import router as registration_router
from socredit.apps.registry.services import record_api_id_numbers_read
from socredit.apps.riskwarnings.api import router as riskwarnings_router
from socredit.apps.spotchecks.api import router as spotchecks_router
from socredit.apps.subscriptions.api import router as subscriptions_router
from socredit.common.api import (
    INPUT_ERROR,
    InputParser,
    caller,
    unmasked_persons,
    validation_errors_by_field,
)
from socredit.common.errors import FieldErrors, database_busy

log = logging.getLogger(__name__)


class DepartmentToken(HttpBearer):
    """部门接口令牌: `Authorization: Bearer sc_…`. A token that is given but unusable is a 401."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = authenticate_token(token.strip())
        if found is None:
            raise AuthenticationError(message="令牌无效、已停用或已过期")
        return found


class StaffSession(SessionAuth):
    """A signed-in, active staff account (Django session); ninja checks CSRF on unsafe methods."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if getattr(user, "is_org_account", False):
            return None  # an organization's account has no staff API (its pages are under /my/)
        return user if user.is_authenticated and user.is_active else None


class AuditedAPI(NinjaAPI):
    """Every answer that carries whole ID numbers (``common.api.id_number_for`` notes the persons while
    the answer is built) is recorded as one audit event before it is sent; if the event cannot be
    written, the answer is not sent (the error handler answers instead)."""

    def create_response(
        self, request: HttpRequest, data: Any, *, status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:  # fmt: skip
        persons = unmasked_persons(request)
        code = temporal_response.status_code if temporal_response is not None else status
        if persons and code is not None and code < 400:
            record_api_id_numbers_read(caller(request), operation=f"{request.method} {request.path}",
                                       persons=persons)  # fmt: skip
        return super().create_response(request, data, status=status, temporal_response=temporal_response)


api = AuditedAPI(
    title="socredit API",
    version="1.0.0",
    description=(
        "社会组织信用管理平台 — API for departments' systems and staff sessions.\n\n"
        "Lists are paginated (`page` ≤ 100000, `page_size` ≤ 500); a page past the last answers 200 "
        "with no items, `next: false` and a `detail` saying so. Errors: 401 without valid credentials, "
        '403 `{"detail": …}` without the scope, 404 for missing or out-of-region objects, '
        '422 `{"detail": "输入有误", "errors": {"field": ["message"]}}` for bad input; '
        "503 with `Retry-After` when the database stayed busy (nothing was written: send it again)."
    ),
    urls_namespace="api-1",
    parser=InputParser(),
    auth=[DepartmentToken(), StaffSession()],
)


@api.exception_handler(FieldErrors)
def _field_errors(request: HttpRequest, exc: FieldErrors) -> HttpResponse:
    return api.create_response(request, {"detail": INPUT_ERROR, "errors": exc.errors}, status=422)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    body = {"detail": INPUT_ERROR, "errors": validation_errors_by_field(exc.errors)}
    return api.create_response(request, body, status=422)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found"}, status=404)


BUSY_RETRY_AFTER_SECONDS = 2
DATA_REFUSED = "输入中含有不能保存或比较的值（如控制字符），请检查后重新提交"


@api.exception_handler(OperationalError)
def _database_busy(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    """数据库繁忙: a write still waiting for the database's lock at the end of its busy timeout
    (SQLite), or a deadlock's victim (PostgreSQL), wrote nothing: 503 with Retry-After, so that the
    caller sends it again, instead of a 500. Any other database error stays a server error."""
    if not database_busy(exc):
        raise exc
    body = {"detail": "数据库繁忙，本次请求没有写入任何数据，请稍后重试"}
    response = api.create_response(request, body, status=503)
    response["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
    return response


@api.exception_handler(DataError)
def _data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    """A value the database refuses (e.g. a NUL character PostgreSQL will not compare) that got past
    the operation's own checks: still the caller's input, answered as such and logged to be fixed."""
    log.warning("database refused an input value on %s %s: %s", request.method, request.path, exc)
    return api.create_response(
        request, {"detail": INPUT_ERROR, "errors": {"__all__": [DATA_REFUSED]}}, status=422
    )


api.add_router("", registry_router, tags=["registry"])
api.add_router("", registration_router, tags=["registration"])
api.add_router("", records_router, tags=["records"])
api.add_router("", evaluation_router, tags=["credit"])
api.add_router("", lists_router, tags=["lists"])
api.add_router("", commitments_router, tags=["commitments"])
api.add_router("", cases_router, tags=["cases"])
api.add_router("", bans_router, tags=["bans"])
api.add_router("", subscriptions_router, tags=["subscriptions"])
api.add_router("", measures_router, tags=["checks"])
api.add_router("", annualreports_router, tags=["annual reports"])
api.add_router("", spotchecks_router, tags=["spot checks"])
api.add_router("", riskwarnings_router, tags=["finance"])
