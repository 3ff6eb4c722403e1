"""Administration of the exchange.

System administrators maintain the resource catalog (resources and their fields) and may correct
registered purposes here; every save is audited. Grants change only through their services
(request, approve, refuse, revoke: the rules and the audit trail live there), loads only through
ingestion and the access log only through its append function, so those are shown read-only.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction

from govhall.core.admin import ReadOnlyAdmin
from govhall.core.admin_mixins import AuditedAdminMixin
from govhall.core.audit import audit_record
from govhall.exchange.models import AccessLogEntry, Grant, Load, Purpose, Resource, ResourceField


class ResourceFieldInline(admin.TabularInline):
    model = ResourceField
    extra = 0
    fields = [
        "position",
        "name",
        "label",
        "type",
        "personal",
        "required",
        "max_length",
        "description",
    ]


@admin.register(Resource)
class ResourceAdmin(AuditedAdminMixin):
    list_display = [
        "code",
        "name",
        "provider",
        "subject_kind",
        "sharing_type",
        "update_cycle",
        "is_active",
    ]
    list_filter = ["sharing_type", "subject_kind", "update_cycle", "is_active", "provider"]
    search_fields = ["code", "name", "catalog_number"]
    inlines = [ResourceFieldInline]

    def get_readonly_fields(self, request, obj=None):
        # Materials of the item catalog and registry rows refer to the code.
        return ["code"] if obj is not None else []

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            changed = [f for f in formsets if f.has_changed()]
            if changed:
                audit_record(
                    actor=request.user,
                    action="admin.resource_fields",
                    obj=form.instance,
                    extra={
                        "fields": list(
                            form.instance.fields.values(
                                "name", "label", "type", "personal", "required"
                            )
                        )
                    },
                )


@admin.register(Purpose)
class PurposeAdmin(AuditedAdminMixin):
    list_display = ["reference", "title", "department", "valid_from", "valid_to", "is_active"]
    list_filter = ["is_active", "department"]
    search_fields = ["reference", "title"]
    readonly_fields = ["reference", "department", "registered_by"]

    def has_add_permission(self, request):
        return False  # registered by a department's data officer (purpose_register)

    def has_delete_permission(self, request, obj=None):
        return False  # the access log refers to it by reference


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ["id", "resource", "consumer", "status", "valid_from", "valid_to", "decided_at"]
    list_filter = ["status", "resource", "consumer"]
    search_fields = ["resource__code", "resource__name", "consumer__name", "purpose"]
    date_hierarchy = "created_at"


@admin.register(Load)
class LoadAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "resource",
        "source",
        "status",
        "rows_total",
        "rows_inserted",
        "rows_updated",
        "rows_rejected",
        "created_at",
    ]
    list_filter = ["status", "source", "resource"]
    date_hierarchy = "created_at"


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "seq",
        "created_at",
        "actor_label",
        "department",
        "kind",
        "outcome",
        "purpose_reference",
        "subject_count",
    ]
    list_filter = ["kind", "outcome", "channel"]
    search_fields = ["actor_label", "purpose_reference", "request_id"]
    date_hierarchy = "created_at"
    show_full_result_count = False
