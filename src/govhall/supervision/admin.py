"""Admin of supervision: thresholds are edited here (through ``threshold_set``); alerts and
accountability records are read-only (they change through the supervisors' pages)."""

from __future__ import annotations

from django.contrib import admin

from govhall.core.admin import ReadOnlyAdmin
from govhall.supervision.models import Accountability, Alert, Threshold
from govhall.supervision.services import threshold_set


@admin.register(Threshold)
class ThresholdAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reminder_fraction", "yellow_days", "updated_at"]
    autocomplete_fields = ["item"]
    search_fields = ["item__implementation_code", "item__published_version__name"]

    def save_model(self, request, obj, form, change):
        saved = threshold_set(
            actor=request.user,
            item=obj.item,
            reminder_fraction=obj.reminder_fraction,
            yellow_days=obj.yellow_days,
        )
        obj.pk = saved.pk


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["id", "level", "kind", "rule_code", "source", "source_id", "state", "raised_at"]
    list_filter = ["level", "kind", "state", "source"]
    show_full_result_count = False


@admin.register(Accountability)
class AccountabilityAdmin(ReadOnlyAdmin):
    list_display = ["id", "department", "situation", "state", "opened_at", "decided_at"]
    list_filter = ["state"]
