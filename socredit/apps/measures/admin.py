"""Back-office registration, read only: catalogue versions, blacklists, checks and feedback are
written by the services alone (audited); the catalogue page saves a version after checking it."""

from django.contrib import admin

from socredit.apps.evaluation.admin import ReadOnlyAdmin
from socredit.apps.measures.models import CatalogueVersion, CreditCheck, DomainListing


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(ReadOnlyAdmin):
    list_display = ("version", "title", "effective_from", "created_by_label", "created_at")


@admin.register(DomainListing)
class DomainListingAdmin(ReadOnlyAdmin):
    list_display = ("domain", "subject_kind", "name", "entered_on", "left_on", "department")
    list_filter = ("domain", "subject_kind")


@admin.register(CreditCheck)
class CreditCheckAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "scenario",
        "made_at",
        "made_by_label",
        "subjects_count",
        "pairs_count",
        "feedback_count",
    )
    exclude = ("subjects", "answer")
