from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.core import admin_calendar  # noqa: F401  (registers the calendar admin)
from govhall.core.models import AuditCheck, AuditEntry, Job


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "created_at", "actor_label", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_id", "request_id", "action"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(AuditCheck)
class AuditCheckAdmin(ReadOnlyAdmin):
    list_display = ["checked_at", "ok", "rows_checked", "head_seq", "problem"]
    list_filter = ["ok"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "attempts", "run_after", "finished_at", "locked_by"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in Job._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("重新执行所选失败任务"))
    def retry(self, request, queryset):
        count = queryset.filter(status=Job.Status.FAILED).update(
            status=Job.Status.PENDING, attempts=0, run_after=timezone.now(), finished_at=None
        )
        messages.success(request, _("已重新排队 %(count)d 个任务。") % {"count": count})
