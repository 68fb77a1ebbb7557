from django.urls import path

from socredit.apps.evaluation import views, views_export

app_name = "evaluation"
urlpatterns = [
    path("organizations/<str:code>/", views.organization_credit, name="organization_credit"),
    path("organizations/<str:code>/what-if/", views.what_if, name="what_if"),
    path("runs/", views.run_list, name="run_list"),
    path("scores/export.<str:fmt>", views_export.score_export, name="score_export"),
    path("runs/start/", views.run_start, name="run_start"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/changes.<str:fmt>", views_export.run_change_export, name="run_change_export"),
    path("models/<str:version>/", views.model_detail, name="model_detail"),
]
