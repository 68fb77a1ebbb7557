"""订阅管理: subscriptions of departments, their delivery logs and replays."""

from django.urls import path

from socredit.apps.subscriptions import views

app_name = "subscriptions"
urlpatterns = [
    path("", views.subscription_list, name="subscription_list"),
    path("new/", views.subscription_create, name="subscription_create"),
    path("<int:pk>/", views.subscription_detail, name="subscription_detail"),
    path("<int:pk>/edit/", views.subscription_edit, name="subscription_edit"),
    path("<int:pk>/rotate-secret/", views.subscription_rotate, name="subscription_rotate"),
    path("<int:pk>/delete/", views.subscription_delete, name="subscription_delete"),
    path("<int:pk>/replay/", views.subscription_replay, name="subscription_replay"),
    path("<int:pk>/deliveries/<int:delivery_pk>/replay/", views.delivery_replay, name="delivery_replay"),
]
