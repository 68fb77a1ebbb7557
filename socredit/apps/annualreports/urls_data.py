from django.urls import path

from socredit.apps.annualreports import views_data

app_name = "annualreport_data"
urlpatterns = [
    path("", views_data.figure_page, name="figure_page"),
    path("export.<str:fmt>", views_data.figure_export, name="figure_export"),
]
