"""Top-level routes: each app mounts its own urls.py; the JSON API lives under /api/v1/."""

from django.contrib import admin
from django.urls import include, path

from socredit.api import api
from socredit.apps.reports.api import organization_lookup
from socredit.public_api import public_api

urlpatterns = [
    # first: other departments' systems call the API far more often than people open pages, and
    # Django tries the patterns in order
    # the public lookup by code, before the API's routes (see the view)
    path("api/public/v1/organizations/<str:code>", organization_lookup),
    path("api/v1/", api.urls),
    path("api/public/v1/", public_api.urls),
    path("accounts/", include("socredit.apps.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("organizations/", include("socredit.apps.registry.urls")),
    path("records/", include("socredit.apps.records.urls")),
    path("imports/", include("socredit.apps.imports.urls")),
    path("credit/", include("socredit.apps.evaluation.urls")),
    path("lists/", include("socredit.apps.lists.urls")),
    path("calendar/", include("socredit.apps.workdays.urls")),
    path("commitments/", include("socredit.apps.commitments.urls")),
    path("my/commitments/", include("socredit.apps.commitments.urls_org")),
    path("annual-reports/", include("socredit.apps.annualreports.urls")),
    path("my/annual-reports/", include("socredit.apps.annualreports.urls_org")),
    path("my/lists/", include("socredit.apps.lists.urls_org")),
    path("cases/", include("socredit.apps.cases.urls")),
    path("bans/", include("socredit.apps.bans.urls")),
    path("checks/", include("socredit.apps.measures.urls")),
    path("annual-reports/figures/", include("socredit.apps.annualreports.urls_data")),
    path("spot-checks/", include("socredit.apps.spotchecks.urls")),
    path("dormancy/", include("socredit.apps.dormancy.urls")),
    path("public/spot-checks/", include("socredit.apps.spotchecks.urls_public")),
    path("statistics/", include("socredit.apps.statistics.urls")),
    path("public/statistics/", include("socredit.apps.statistics.urls_public")),
    path("warnings/", include("socredit.apps.riskwarnings.urls")),
    path("", include("socredit.apps.reports.urls")),  # /reports/, /qr/, /open-data/, /my/qr/
    path("my/", include("socredit.apps.cases.urls_org")),
    path("public/", include("socredit.apps.cases.urls_public")),
    path("audit/", include("socredit.apps.audit.urls")),
    path("office/", include("socredit.apps.accounts.urls_office")),
    path("subscriptions/", include("socredit.apps.subscriptions.urls")),
    path("admin/", admin.site.urls),
    # the public portal last: its home is "/", its other pages have prefixes of their own
    path("", include("socredit.apps.portal.urls")),
]

# The error pages in the product's layout, JSON under /api/ (socredit/common/errorpages.py).
handler400 = "socredit.common.errorpages.bad_request"
handler403 = "socredit.common.errorpages.permission_denied"
handler404 = "socredit.common.errorpages.page_not_found"
handler500 = "socredit.common.errorpages.server_error"
