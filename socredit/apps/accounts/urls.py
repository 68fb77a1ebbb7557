"""Sign-in and sign-out, with Django's auth views and our templates, and the change of one's own password."""

from django.contrib.auth import views as auth_views
from django.urls import path

from socredit.apps.accounts.views import password_change

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", password_change, name="password_change"),
]
