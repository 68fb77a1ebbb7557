from django.urls import path

from socredit.apps.statistics import views

app_name = "statistics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<slug:key>.<str:fmt>", views.panel_export, name="panel_export"),
    path("targets/", views.target_edit, name="target_edit"),
    path("publication/", views.publication_edit, name="publication_edit"),
]
