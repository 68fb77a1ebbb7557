from django.urls import path

from socredit.apps.measures import views

app_name = "measures"

urlpatterns = [
    path("", views.check_list, name="check_list"),
    path("new/", views.check_new, name="check_new"),
    path("statistics/", views.check_statistics, name="check_statistics"),
    path("blacklists/", views.listing_list, name="listing_list"),
    path("catalogue/", views.catalogue_list, name="catalogue_list"),
    path("catalogue/new/", views.catalogue_new, name="catalogue_new"),
    path("catalogue/<str:version>/", views.catalogue_detail, name="catalogue_detail"),
    path(
        "organizations/<str:code>/green-channel/",
        views.organization_green_channel,
        name="organization_green_channel",
    ),
    path("<str:number>/", views.check_detail, name="check_detail"),
    path("<str:number>/report/", views.check_report, name="check_report"),
    path("<str:number>/feedback/", views.check_feedback, name="check_feedback"),
]
