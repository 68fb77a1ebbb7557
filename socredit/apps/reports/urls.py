"""Public routes of credit reports (/reports/), 一社一码 (/qr/) and open data (/open-data/)."""

from django.urls import path

from socredit.apps.reports import views

app_name = "reports"
urlpatterns = [
    path("reports/verify/", views.verify_page, name="verify"),
    path("reports/verify/<str:code>/", views.verify_code, name="verify_code"),
    path("reports/<str:code>.pdf", views.report_download, name="report_download"),
    path("qr/<str:code>.<str:kind>", views.org_qr, name="org_qr"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/<str:name>", views.open_data_file, name="open_data_file"),
    path("my/qr/", views.my_qr, name="my_qr"),
]
