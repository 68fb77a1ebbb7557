"""Organization self-service (组织自助): the organization's own file, objections, repairs, cases."""

from socredit.apps.cases.views import objections, org, repairs

app_name = "my"
urlpatterns = org.org_urls + objections.org_urls + repairs.org_urls
