from django.urls import path

from socredit.apps.registry import views, views_export

app_name = "registry"
urlpatterns = [
    path("", views.organization_list, name="organization_list"),
    path("export.<str:fmt>", views_export.organization_export, name="organization_export"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path(
        "persons/<int:pk>/posts/<int:role_pk>/confirm/",
        views.held_role_decide,
        {"decision": "confirm"},
        name="held_role_confirm",
    ),
    path(
        "persons/<int:pk>/posts/<int:role_pk>/withdraw/",
        views.held_role_decide,
        {"decision": "withdraw"},
        name="held_role_withdraw",
    ),
    path("persons/<int:pk>/id-number/", views.person_id_number, name="person_id_number"),
    path("<str:code>/", views.organization_detail, name="organization_detail"),
]
