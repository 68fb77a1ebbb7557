"""/my/annual-reports/: an organization's own annual work reports (organization accounts only)."""

from django.urls import path

from socredit.apps.annualreports import views_org

app_name = "my_annualreports"
urlpatterns = [
    path("", views_org.report_list, name="report_list"),
    path("<int:year>/", views_org.report_detail, name="report_detail"),
    path("<int:year>/edit/", views_org.report_edit, name="report_edit"),
    path("<int:year>/submit/", views_org.report_submit, name="report_submit"),
    path("<int:year>/attachments/", views_org.attachment_add, name="attachment_add"),
    path("<int:year>/attachments/<int:pk>/", views_org.attachment_file, name="attachment_file"),
    path("<int:year>/attachments/<int:pk>/remove/", views_org.attachment_remove, name="attachment_remove"),
]
