from django.urls import path

from socredit.apps.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.importrun_list, name="importrun_list"),
    path("<int:pk>/", views.importrun_detail, name="importrun_detail"),
    path("<int:pk>/report.<str:fmt>", views.importrun_report, name="importrun_report"),
    path("templates/<str:kind>.<str:fmt>", views.import_template, name="import_template"),
]
