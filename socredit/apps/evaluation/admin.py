"""Back office: evaluation runs, scores and level changes, read-only (only the services write them)."""

from __future__ import annotations

from django.contrib import admin

from socredit.apps.evaluation.models import CreditScore, EvaluationRun, LevelChange


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EvaluationRun)
class EvaluationRunAdmin(ReadOnlyAdmin):
    list_display = ("id", "model_version", "as_of", "region", "status", "organizations", "changed", "started_by_label",
                    "started_at")  # fmt: skip
    list_filter = ("status", "model_version")


@admin.register(CreditScore)
class CreditScoreAdmin(ReadOnlyAdmin):
    list_display = ("organization", "score", "level", "cause", "model_version", "as_of", "evaluated_at")
    list_filter = ("level", "model_version")
    search_fields = ("organization__name", "organization__code")
    raw_id_fields = ("organization", "run")
    exclude = ("breakdown",)


@admin.register(LevelChange)
class LevelChangeAdmin(ReadOnlyAdmin):
    list_display = (
        "organization",
        "from_level",
        "to_level",
        "from_score",
        "to_score",
        "as_of",
        "trigger",
        "at",
    )
    list_filter = ("to_level", "model_version")
    search_fields = ("organization__name", "organization__code")
    raw_id_fields = ("organization", "run")
