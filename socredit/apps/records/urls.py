from django.urls import path

from socredit.apps.records import views

app_name = "records"
urlpatterns = [
    path("new/<str:code>/", views.record_create, name="record_create"),
    path("<int:pk>/", views.record_detail, name="record_detail"),
    path("<int:pk>/correct/", views.record_correct, name="record_correct"),
    path("<int:pk>/revoke/", views.record_revoke, name="record_revoke"),
]
