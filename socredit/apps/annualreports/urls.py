from django.urls import path

from socredit.apps.annualreports import views

app_name = "annualreports"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/return/", views.report_return, name="report_return"),
    path("<int:pk>/conclude/", views.report_conclude, name="report_conclude"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("<int:pk>/attachments/<int:att>/", views.attachment_file, name="attachment_file"),
    path("paper/", views.paper_start, name="paper_start"),
    path("organizations/<str:code>/paper/", views.paper_new, name="paper_new"),
]
