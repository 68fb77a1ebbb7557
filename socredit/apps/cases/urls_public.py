"""Public pages (no sign-in): the complaint form and the case lookup for reporters."""

from socredit.apps.cases.views import complaints

app_name = "public"
urlpatterns = complaints.public_urls
