from django.urls import path

from socredit.apps.workdays import views

app_name = "workdays"
urlpatterns = [
    path("", views.year_list, name="year_list"),
    path("<int:year>/", views.year_detail, name="year_detail"),
    path("<int:year>/enter/", views.year_enter, name="year_enter"),
]
