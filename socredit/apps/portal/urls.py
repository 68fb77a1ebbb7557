"""The public portal's routes (namespace "portal"), mounted at the site's root: ``/`` home, ``/search/``,
``/o/<code>/`` (an organization's public credit profile: the stable address its QR code opens),
``/public/lists/<list>/`` and its downloads, ``/start/`` where a sign-in lands."""

from django.urls import path

from socredit.apps.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("search/", views.search, name="search"),
    path("o/<str:code>/", views.profile, name="profile"),
    path("public/lists/<str:kind>/", views.list_page, name="list"),
    path("public/lists/<str:kind>/download.<str:fmt>", views.list_download, name="list_download"),
]
