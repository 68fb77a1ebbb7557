"""Staff routes of the cases app: each kind's pages, then the inbox (whose ``<number>/`` comes last)."""

from socredit.apps.cases.views import complaints, exports, inbox, objections, repairs

app_name = "cases"
urlpatterns = objections.urls + repairs.urls + complaints.urls + exports.urls + inbox.urls
