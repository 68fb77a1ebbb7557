"""账号管理 (/office/): a region's administrators manage its accounts and its departments' API tokens."""

from django.urls import path

from socredit.apps.accounts import views_office as views

app_name = "office"
urlpatterns = [
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/new/", views.account_create, name="account_create"),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/post/", views.account_post, name="account_post"),
    path("accounts/<int:pk>/disable/", views.account_set_active, {"active": False}, name="account_disable"),
    path("accounts/<int:pk>/enable/", views.account_set_active, {"active": True}, name="account_enable"),
    path("accounts/<int:pk>/reset-password/", views.account_password_reset, name="account_password_reset"),
    path("accounts/<int:pk>/unlock/", views.account_unlock, name="account_unlock"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/new/", views.token_issue, name="token_issue"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
