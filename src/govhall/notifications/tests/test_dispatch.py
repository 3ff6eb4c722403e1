"""The dispatcher: delivery through the channel plugins, retries with backoff, leases that
survive a killed worker, and no row sent twice."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govhall.core import jobs
from govhall.notifications.channels import ChannelError, SmsGateway, sms_gateways
from govhall.notifications.contrib.sms_log import LogSmsGateway
from govhall.notifications.dispatch import (
    backoff,
    notification_claim,
    notification_deliver,
    notifications_dispatch,
)
from govhall.notifications.models import Notification, SmsMessage
from govhall.notifications.services import notification_enqueue

calls: list[tuple[UUID, str, str]] = []


@sms_gateways.register("test-down")
class DownGateway(SmsGateway):
    def send(self, *, uuid: UUID, phone: str, text: str) -> str:
        calls.append((uuid, phone, text))
        raise ConnectionError("短信平台无响应")


@sms_gateways.register("test-invalid")
class InvalidNumberGateway(SmsGateway):
    def send(self, *, uuid: UUID, phone: str, text: str) -> str:
        raise ChannelError("号码不存在", permanent=True)


@pytest.fixture(autouse=True)
def _reset_calls():
    calls.clear()


def enqueue_sms(recipient, **overrides):
    arguments = {
        "event": "case.accepted",
        "subject": "您的办件已受理",
        "body": "【亳州市政务服务】您的办件341602260001已受理。",
        "recipient": recipient,
        "channels": ["sms"],
    }
    [row] = notification_enqueue(**{**arguments, **overrides})
    return row


def make_due(row: Notification) -> None:
    """Let time pass until the row's next attempt (or the end of its lease)."""
    past = timezone.now() - timedelta(seconds=1)
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=past, locked_until=past)


@pytest.mark.django_db
def test_dispatch_sends_through_the_log_gateway_which_stores_one_message(applicant):
    row = enqueue_sms(applicant)
    assert notifications_dispatch() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.locked_until, row.last_error) == ("sent", 1, None, "")
    assert row.sent_at is not None
    stored = SmsMessage.objects.get()
    assert stored.notification_uuid == row.uuid
    assert (stored.phone, stored.text) == (applicant.phone, row.body)
    assert stored.gateway_message_id == f"LOG-{row.uuid.hex}"
    assert notifications_dispatch() == 0  # nothing left to do


@pytest.mark.django_db
def test_a_gateway_error_retries_with_backoff_then_fails(applicant, settings):
    settings.GOVHALL_SMS_GATEWAY = "test-down"
    settings.GOVHALL_NOTIFY_MAX_ATTEMPTS = 3
    row = enqueue_sms(applicant)
    waits = []
    for attempt in (1, 2, 3):
        before = timezone.now()
        assert notifications_dispatch() == 1
        row.refresh_from_db()
        assert row.attempts == attempt and "短信平台无响应" in row.last_error
        waits.append(row.next_attempt_at - before)
        assert notifications_dispatch() == 0  # not due before its backoff
        make_due(row)
    assert row.status == "failed" and len(calls) == 3
    assert waits[0] >= timedelta(seconds=30) and waits[1] >= timedelta(seconds=60)
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4, 20)] == [30, 60, 120, 240, 3600]
    assert notifications_dispatch() == 0  # a failed row is never picked up again
    assert SmsMessage.objects.count() == 0


@pytest.mark.django_db
def test_a_permanent_gateway_error_fails_at_once(applicant, settings):
    settings.GOVHALL_SMS_GATEWAY = "test-invalid"
    row = enqueue_sms(applicant)
    notifications_dispatch()
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "号码不存在")


@pytest.mark.django_db
def test_a_misconfigured_gateway_does_not_use_up_attempts(applicant, settings):
    settings.GOVHALL_SMS_GATEWAY = "no-such-gateway"
    row = enqueue_sms(applicant)
    notifications_dispatch()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 0)
    assert "no-such-gateway" in row.last_error and row.next_attempt_at > timezone.now()
    settings.GOVHALL_SMS_GATEWAY = "log"
    make_due(row)
    notifications_dispatch()
    row.refresh_from_db()
    assert row.status == "sent" and SmsMessage.objects.count() == 1


@pytest.mark.django_db
def test_a_row_left_sending_by_a_killed_worker_is_sent_once_after_its_lease(applicant):
    row = enqueue_sms(applicant)
    # A worker claims the row and hands it to the gateway, then is killed before recording it.
    [claimed] = notification_claim()
    LogSmsGateway().send(uuid=claimed.uuid, phone=claimed.address, text=claimed.body)
    row.refresh_from_db()
    assert row.status == "sending" and row.locked_until is not None
    # A restarted worker leaves it alone while the lease holds...
    assert notifications_dispatch() == 0
    # ...and delivers it again once the lease has run out: the gateway recognises the uuid.
    make_due(row)
    assert notifications_dispatch() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert SmsMessage.objects.filter(notification_uuid=row.uuid).count() == 1


@pytest.mark.django_db
def test_two_dispatchers_never_claim_the_same_row(applicant, other_applicant):
    first = enqueue_sms(applicant)
    second = enqueue_sms(other_applicant)
    batch_a = notification_claim(batch_size=1)
    batch_b = notification_claim(batch_size=10)
    assert [row.pk for row in batch_a] == [first.pk]
    assert [row.pk for row in batch_b] == [second.pk]
    assert notification_claim() == []
    for row in [*batch_a, *batch_b]:
        assert notification_deliver(row)
    assert SmsMessage.objects.count() == 2


@pytest.mark.django_db
def test_a_slow_worker_cannot_overwrite_the_outcome_of_the_next_owner(applicant, settings):
    row = enqueue_sms(applicant)
    [stale] = notification_claim()
    make_due(row)
    [fresh] = notification_claim()
    assert notification_deliver(fresh)
    # The slow worker's gateway call finally fails: the row stays sent.
    settings.GOVHALL_SMS_GATEWAY = "test-down"
    notification_deliver(stale)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")


@pytest.mark.django_db
def test_a_lease_expiring_on_the_final_attempt_fails_visibly(applicant, settings):
    settings.GOVHALL_NOTIFY_MAX_ATTEMPTS = 1
    row = enqueue_sms(applicant)
    notification_claim()  # the only attempt; its worker dies
    make_due(row)
    fresh = enqueue_sms(applicant, body="另一条短信")
    # The dead row is given up; the claim goes on to the rows behind it.
    assert [claimed.pk for claimed in notification_claim(batch_size=1)] == [fresh.pk]
    row.refresh_from_db()
    assert row.status == "failed" and "lease expired" in row.last_error


@pytest.mark.django_db
def test_email_goes_through_django_with_a_message_id_from_the_uuid(applicant, settings):
    settings.GOVHALL_EMAIL_CHANNEL_OPTIONS = {"domain": "govhall.bozhou.gov.cn"}
    [row] = notification_enqueue(
        event="case.completed",
        subject="您的办件已办结",
        body="请登录网上办事大厅查看结果。",
        email="zhangsan@example.cn",
        channels=["email"],
    )
    assert notifications_dispatch() == 1
    [message] = mail.outbox
    assert message.to == ["zhangsan@example.cn"] and message.subject == "您的办件已办结"
    assert message.extra_headers["Message-ID"] == f"<{row.uuid}@govhall.bozhou.gov.cn>"
    row.refresh_from_db()
    assert row.status == "sent"


@pytest.mark.django_db
def test_the_worker_delivers_what_a_commit_scheduled(applicant, django_capture_on_commit_callbacks):
    jobs.discover()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        row = enqueue_sms(applicant)
    # The on-commit job runs at the start of the next second.
    jobs.Job.objects.update(run_after=timezone.now())
    assert jobs.run_pending() >= 1
    row.refresh_from_db()
    assert row.status == "sent" and SmsMessage.objects.count() == 1


@pytest.mark.django_db
def test_the_command_dispatches_everything_due(applicant, other_applicant, capsys):
    enqueue_sms(applicant)
    enqueue_sms(other_applicant)
    call_command("notifications", "dispatch")
    assert "handled 2 notifications: 2 sent" in capsys.readouterr().out
    call_command("notifications", "status")
    assert "sms    sent     2" in capsys.readouterr().out


@pytest.mark.django_db
def test_on_postgresql_the_claim_skips_rows_other_workers_hold(applicant):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes claims with its write lock instead")
    enqueue_sms(applicant)
    with CaptureQueriesContext(connection) as queries:
        notification_claim()
    assert any("FOR UPDATE SKIP LOCKED" in query["sql"] for query in queries.captured_queries)
