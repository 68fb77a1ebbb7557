from django.urls import path

from socredit.apps.riskwarnings import views

app_name = "riskwarnings"
urlpatterns = [
    path("", views.warning_list, name="warning_list"),
    path("new/", views.warning_create, name="warning_create"),
    path("streets/", views.street_summary, name="street_summary"),
    path("<int:pk>/", views.warning_detail, name="warning_detail"),
    path("<int:pk>/acknowledge/", views.warning_act, {"action": "acknowledge"}, name="warning_acknowledge"),
    path("<int:pk>/handle/", views.warning_act, {"action": "handle"}, name="warning_handle"),
    path("<int:pk>/close/", views.warning_act, {"action": "close"}, name="warning_close"),
    path("organizations/<str:code>/", views.organization_warnings, name="organization_warnings"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
]
