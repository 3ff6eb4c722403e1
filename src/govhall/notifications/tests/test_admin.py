"""The outbox and the SMS gateway log in the admin: read-only, failed rows can be re-sent."""

from __future__ import annotations

import pytest

from govhall.core import errors
from govhall.core.models import AuditEntry
from govhall.notifications.dispatch import notifications_dispatch
from govhall.notifications.models import Notification, SmsMessage
from govhall.notifications.services import notification_enqueue, notification_retry


@pytest.fixture
def sent_sms(applicant):
    [row] = notification_enqueue(
        event="case.accepted",
        subject="您的办件已受理",
        body="您的办件已受理。",
        recipient=applicant,
        channels=["sms"],
        related="case:341602260001",
    )
    notifications_dispatch()
    return row


@pytest.mark.django_db
def test_admin_pages_open_and_are_read_only(client_as, admin_user, sent_sms):
    client = client_as(admin_user)
    stored = SmsMessage.objects.get()
    for path in [
        "/admin/notifications/notification/",
        "/admin/notifications/notification/?status__exact=sent&channel__exact=sms",
        "/admin/notifications/notification/?q=341602260001",
        f"/admin/notifications/notification/{sent_sms.pk}/change/",
        "/admin/notifications/smsmessage/",
        f"/admin/notifications/smsmessage/{stored.pk}/change/",
    ]:
        assert client.get(path).status_code == 200, path
    assert "短信网关日志" in client.get("/admin/notifications/smsmessage/").content.decode()
    assert client.get("/admin/notifications/notification/add/").status_code == 403
    assert client.get("/admin/notifications/smsmessage/add/").status_code == 403


@pytest.mark.django_db
def test_failed_notifications_are_resent_from_the_admin_and_audited(
    client_as, admin_user, sent_sms
):
    Notification.objects.filter(pk=sent_sms.pk).update(status="failed", attempts=8)
    response = client_as(admin_user).post(
        "/admin/notifications/notification/",
        {"action": "retry", "_selected_action": [sent_sms.pk]},
        follow=True,
    )
    assert "已重新排队 1 条消息" in response.content.decode()
    sent_sms.refresh_from_db()
    assert (sent_sms.status, sent_sms.attempts) == ("pending", 0)
    entry = AuditEntry.objects.get(action="notifications.retry")
    assert entry.actor == admin_user and entry.summary["extra"]["ids"] == [sent_sms.pk]
    # The log gateway recognises the uuid: re-sending stores nothing twice.
    notifications_dispatch()
    sent_sms.refresh_from_db()
    assert sent_sms.status == "sent" and SmsMessage.objects.count() == 1


@pytest.mark.django_db
def test_only_administrators_may_resend(clerk, sent_sms):
    with pytest.raises(errors.PermissionDenied):
        notification_retry(actor=clerk, notifications=Notification.objects.all())
