from django.urls import path

from socredit.apps.audit import views

app_name = "audit"
urlpatterns = [
    path("chain/", views.chain_check, name="chain_check"),
    path("reads/", views.sensitive_reads, name="sensitive_reads"),
]
