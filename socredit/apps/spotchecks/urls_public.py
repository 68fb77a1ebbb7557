from django.urls import path

from socredit.apps.spotchecks import views_public

app_name = "spotchecks_public"
urlpatterns = [
    path("", views_public.public_plan_list, name="plan_list"),
    path("<int:pk>/", views_public.public_plan_detail, name="plan_detail"),
]
