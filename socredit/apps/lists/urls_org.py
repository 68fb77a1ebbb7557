"""/my/lists/: the prior notices served on an organization and its 陈述申辩 (organization accounts only)."""

from socredit.apps.lists import views_statements

app_name = "my_lists"
urlpatterns = views_statements.org_urls
