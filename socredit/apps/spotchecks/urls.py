from django.urls import path

from socredit.apps.spotchecks import views

app_name = "spotchecks"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/announce/", views.plan_announce, name="plan_announce"),
    path("<int:pk>/draw/", views.plan_draw, name="plan_draw"),
    path("<int:pk>/assign/", views.plan_assign, name="plan_assign"),
    path("<int:pk>/publish/", views.plan_publish, name="plan_publish"),
    path("checks/<int:pk>/", views.check_detail, name="check_detail"),
    path("checks/<int:pk>/result/", views.check_result, name="check_result"),
    path("checks/<int:pk>/letter/", views.check_letter, name="check_letter"),
    path("checks/<int:pk>/rectified/", views.check_rectified, name="check_rectified"),
    path("checks/<int:pk>/redraw/", views.check_redraw, name="check_redraw"),
    path("mine/", views.my_checks, name="my_checks"),
    path("inspectors/", views.inspector_list, name="inspector_list"),
    path("organizations/<str:code>/", views.organization_checks, name="organization_checks"),
]
