"""Admin edits are changes like any other: audited in the same transaction."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.forms.models import model_to_dict

from govhall.core.audit import audit_record


def _snapshot(obj) -> dict:
    data = model_to_dict(obj)
    return {key: value for key, value in data.items() if key not in {"password"}}


class AuditedAdminMixin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=f"admin.{'change' if change else 'add'}",
                obj=obj,
                after=_snapshot(obj),
                extra={"changed": list(form.changed_data)} if change else None,
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(actor=request.user, action="admin.delete", obj=obj, before=_snapshot(obj))
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                audit_record(
                    actor=request.user, action="admin.delete", obj=obj, before=_snapshot(obj)
                )
            super().delete_queryset(request, queryset)
