from django.urls import path

from socredit.apps.dormancy import views

app_name = "dormancy"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/steps/<slug:step>/", views.case_step, name="case_step"),
    path("<int:pk>/documents/<slug:doc>/", views.case_document, name="case_document"),
    path("organizations/<str:code>/", views.organization_cases, name="organization_cases"),
]
