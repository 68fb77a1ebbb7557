from django.urls import path

from socredit.apps.statistics import views_public

app_name = "statistics_public"
urlpatterns = [
    path("", views_public.public_index, name="index"),
    path("<str:code>/", views_public.public_region, name="region"),
]
