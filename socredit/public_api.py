"""The public read-only API (公开接口): no credentials, per-client limits, its own OpenAPI docs at
/api/public/v1/docs (schema /api/public/v1/openapi.json). Separate from the departments' API
(``socredit/api.py``): another NinjaAPI, another namespace, nothing of theirs is reachable here."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from socredit.apps.reports.api import RateLimited, rate_limited_body
from socredit.apps.reports.api import router as public_router
from socredit.common.api import validation_errors_by_field

public_api = NinjaAPI(
    title="socredit public API",
    version="1.0.0",
    description=(
        "社会组织信用公开信息查询接口 — public credit information of social organizations: the profile by "
        "统一社会信用代码, search, the published lists and credit report verification. No credentials. "
        "Each client (address) may make a limited number of calls a minute; beyond it the answer is 429 "
        '`{"detail": …}` with `Retry-After` in seconds. Errors: 404 `{"detail": …}` for an unknown code, '
        "422 for bad input (the reason in `detail`, by field in `errors`)."
    ),
    urls_namespace="public_api",
    auth=None,  # no credentials; only GET operations, so no CSRF check applies
)


@public_api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = public_api.create_response(request, rate_limited_body(exc.seconds), status=429)
    response["Retry-After"] = str(exc.seconds)
    return response


@public_api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = validation_errors_by_field(exc.errors)
    body = {
        "detail": "输入有误：" + "；".join(f"{k} {' '.join(v)}" for k, v in errors.items()),
        "errors": errors,
    }
    return public_api.create_response(request, body, status=422)


@public_api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return public_api.create_response(request, {"detail": "未找到"}, status=404)


public_api.add_router("", public_router, tags=["public"])
