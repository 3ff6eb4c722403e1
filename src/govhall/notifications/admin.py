"""Administration of notifications: the outbox and the log SMS gateway, both read-only.

Rows are written only by ``notification_enqueue`` and the dispatcher; an administrator may send
failed ones again (audited, through ``notification_retry``).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from govhall.core.admin import ReadOnlyAdmin
from govhall.notifications.models import Notification, SmsMessage
from govhall.notifications.services import notification_retry


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "created_at",
        "channel",
        "event",
        "address",
        "recipient",
        "related",
        "status",
        "attempts",
        "sent_at",
        "read_at",
    ]
    list_filter = ["status", "channel", "event"]
    search_fields = ["address", "related", "=uuid"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["retry"]

    @admin.action(description=_("重新发送所选失败消息"))
    def retry(self, request, queryset):
        count = notification_retry(actor=request.user, notifications=queryset)
        messages.success(request, _("已重新排队 %(count)d 条消息。") % {"count": count})


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdmin):
    list_display = ["stored_at", "phone", "text", "gateway_message_id", "notification_uuid"]
    search_fields = ["phone", "=notification_uuid", "gateway_message_id"]
    date_hierarchy = "stored_at"
    show_full_result_count = False
