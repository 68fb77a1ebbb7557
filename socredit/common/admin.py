"""Back-office base: reference-data edits in Django admin also land in the audit trail."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.forms.models import model_to_dict


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes are written to the audit trail in the same transaction.

    The audit writer is passed in by the app (common cannot import apps): `audit_writer(**event)`.
    """

    audit_writer = None

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if self.audit_writer is not None:
                type(self).audit_writer(
                    actor=request.user, channel="form",
                    action=f"{obj._meta.model_name}.{'update' if change else 'create'}", target=obj,
                    summary=f"后台{'修改' if change else '新增'} {obj}",
                    data={"changed": list(form.changed_data), "values": model_to_dict(obj)},
                )  # fmt: skip

    def delete_model(self, request, obj):
        with transaction.atomic():
            if self.audit_writer is not None:
                type(self).audit_writer(actor=request.user, channel="form", action=f"{obj._meta.model_name}.delete",
                                        target=obj, summary=f"后台删除 {obj}")  # fmt: skip
            super().delete_model(request, obj)
