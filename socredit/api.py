"""The NinjaAPI root (v1): authentication and the routers of each app. Docs at /api/v1/docs."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="socredit API",
    version="1.0.0",
    description="社会组织信用管理平台 — API for departments' systems and staff sessions.",
    urls_namespace="api-1",
)
