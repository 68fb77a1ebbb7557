from django.urls import path

from socredit.apps.bans import views

app_name = "bans"
urlpatterns = [
    path("", views.ban_list, name="ban_list"),
    path("new/", views.ban_create, name="ban_create"),
    path("<int:pk>/", views.ban_detail, name="ban_detail"),
    path("<int:pk>/confirm/", views.ban_confirm, name="ban_confirm"),
    path("<int:pk>/dismiss/", views.ban_dismiss, name="ban_dismiss"),
    path("<int:pk>/lift/", views.ban_lift, name="ban_lift"),
    path("persons/<int:pk>/", views.person_section, name="person_bans"),
]
