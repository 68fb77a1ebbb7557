from django.urls import path

from socredit.apps.statistics import views, views_assessment

app_name = "statistics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<slug:key>.<str:fmt>", views.panel_export, name="panel_export"),
    path("targets/", views.target_edit, name="target_edit"),
    path("publication/", views.publication_edit, name="publication_edit"),
]
urlpatterns += [
    path("quality/", views.quality_overview, name="quality_overview"),
    path("quality/<slug:check>/", views.quality_rows, name="quality_rows"),
]
urlpatterns += [
    path("assessment/", views_assessment.assessment_list, name="assessment_list"),
    path("assessment/<int:pk>/", views_assessment.assessment_detail, name="assessment_detail"),
    path(
        "assessment/<int:pk>/report.<str:fmt>",
        views_assessment.assessment_download,
        name="assessment_download",
    ),
]
