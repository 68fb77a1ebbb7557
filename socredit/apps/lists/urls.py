from django.urls import path

from socredit.apps.lists import views, views_export, views_policy, views_queue, views_statements

app_name = "lists"
urlpatterns = [
    path("proposals/", views_queue.proposal_list, name="proposal_list"),
    path("proposals/export.<str:fmt>", views_export.proposal_export, name="proposal_export"),
    path("decisions/export.<str:fmt>", views_export.decision_export, name="decision_export"),
    path("members/<str:list>/export.<str:fmt>", views_export.entry_export, name="entry_export"),
    path("proposals/bulk/", views_queue.proposal_bulk, name="proposal_bulk"),
    path("proposals/<int:pk>/", views_queue.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/confirm/", views.proposal_confirm, name="proposal_confirm"),
    path("proposals/<int:pk>/dismiss/", views.proposal_dismiss, name="proposal_dismiss"),
    path("proposals/<int:pk>/exempt/", views.proposal_exempt, name="proposal_exempt"),
    path("proposals/<int:pk>/notice/", views.proposal_notice, name="proposal_notice"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("removals/", views.removals_due, name="removals_due"),
    path("removals/<int:pk>/verify/", views.removal_verify, name="removal_verify"),
    path("removals/<int:pk>/decide/", views.removal_decide, name="removal_decide"),
    path("entries/<int:pk>/apply/", views.removal_apply, name="removal_apply"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("organizations/<str:code>/", views.organization_lists, name="organization_lists"),
    path("runs/", views.run_list, name="run_list"),
    path("runs/start/", views.run_start, name="run_start"),
    path("proposals/raise/", views.proposal_raise, name="proposal_raise"),
    path("red-candidates/", views.red_candidates, name="red_candidates"),
    path("red-candidates/publish/", views.red_publication, name="red_publication"),
    path("red-candidates/<int:pk>/confirm/", views.red_confirm, name="red_confirm"),
    path("persons/", views.person_list, name="person_list"),
    path("persons/<int:pk>/screening/", views.person_screening, name="person_screening"),
    *views_statements.staff_urls,  # 陈述申辩: the statement block of a proposal and its forms
    path("policy/", views_policy.policy_profiles, name="policy_profiles"),
    path("policy/<str:version>/", views_policy.policy_profile_detail, name="policy_profile_detail"),
    path("<str:list>/", views.entry_list, name="entry_list"),
]
