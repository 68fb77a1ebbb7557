from django.urls import path

from socredit.apps.registry import views, views_export, views_registration, views_streets

app_name = "registry"
urlpatterns = [
    path("", views.organization_list, name="organization_list"),
    path("regions/", views.region_suggest, name="region_suggest"),
    path("streets/", views_streets.street_list, name="street_list"),
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
    path("register/", views_registration.organization_register, name="organization_register"),
    path("register/screening/", views_registration.person_screen, name="person_screen"),
    path("<str:code>/change/<str:item>/", views_registration.organization_change, name="organization_change"),
    path(
        "<str:code>/deregister/",
        views_registration.organization_end,
        {"act": "deregister"},
        name="organization_deregister",
    ),
    path(
        "<str:code>/revoke/",
        views_registration.organization_end,
        {"act": "revoke"},
        name="organization_revoke",
    ),
    path(
        "<str:code>/registration/<int:pk>/document/",
        views_registration.registration_document,
        name="registration_document",
    ),
    path("<str:code>/branches/new/", views_registration.branch_add, name="branch_add"),
    path("<str:code>/branches/<int:pk>/change/", views_registration.branch_change, name="branch_change"),
    path("<str:code>/branches/<int:pk>/close/", views_registration.branch_close, name="branch_close"),
    path("<str:code>/", views.organization_detail, name="organization_detail"),
]
