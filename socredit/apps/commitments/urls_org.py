"""/my/commitments/: an organization's own commitment pages (organization accounts only)."""

from django.urls import path

from socredit.apps.commitments import views_org

app_name = "my_commitments"
urlpatterns = [
    path("", views_org.commitment_list, name="commitment_list"),
    path("sign/", views_org.commitment_sign, name="commitment_sign"),
    path("<int:pk>/", views_org.commitment_detail, name="commitment_detail"),
]
