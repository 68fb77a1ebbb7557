from django.urls import path

from socredit.apps.commitments import views

app_name = "commitments"
urlpatterns = [
    path("", views.commitment_list, name="commitment_list"),
    path("templates/", views.template_list, name="template_list"),
    path("<int:pk>/", views.commitment_detail, name="commitment_detail"),
    path("<int:pk>/fulfil/", views.commitment_fulfil, name="commitment_fulfil"),
    path("<int:pk>/break/", views.commitment_break, name="commitment_break"),
    path("organizations/<str:code>/", views.organization_commitments, name="organization_commitments"),
    path("<str:code>/sign/", views.commitment_sign, name="commitment_sign"),
]
