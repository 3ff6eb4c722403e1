"""Several workers dispatching at once hand every row to the gateway exactly once (real
connections: SKIP LOCKED on PostgreSQL, the IMMEDIATE write lock on SQLite)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from uuid import UUID

import pytest
from django.db import connection, transaction

from govhall.notifications.channels import SmsGateway, sms_gateways
from govhall.notifications.dispatch import dispatch_run
from govhall.notifications.models import Notification
from govhall.notifications.services import (
    NotificationSpec,
    notification_enqueue,
    notification_enqueue_many,
)

_lock = threading.Lock()
handed: list[UUID] = []


@sms_gateways.register("test-counting")
class CountingGateway(SmsGateway):
    def send(self, *, uuid: UUID, phone: str, text: str) -> str:
        time.sleep(0.002)  # a gateway round trip, so that the workers interleave
        with _lock:
            handed.append(uuid)
        return f"C-{uuid.hex}"


@pytest.mark.django_db(transaction=True)
def test_concurrent_dispatchers_hand_each_row_to_the_gateway_once(settings):
    settings.GOVHALL_SMS_GATEWAY = "test-counting"
    handed.clear()
    with transaction.atomic():
        notification_enqueue_many(
            NotificationSpec(
                event="supervision.reminder",
                subject="办件即将到期",
                body=f"办件{n:06d}即将到期,请及时办理。",
                phone=f"139{n:08d}",
                channels=["sms"],
            )
            for n in range(120)
        )
    failures: list[BaseException] = []

    def worker() -> None:
        try:
            dispatch_run(batch_size=7)
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert Notification.objects.filter(status="sent").count() == 120
    assert len(handed) == 120 and max(Counter(handed).values()) == 1
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.django_db(transaction=True)
def test_concurrent_enqueues_of_one_dedupe_key_write_one_row_per_channel(applicant):
    barrier = threading.Barrier(4)
    results: list[list[int]] = []
    failures: list[BaseException] = []

    def enqueue() -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                rows = notification_enqueue(
                    event="case.accepted",
                    subject="您的办件已受理",
                    body="您的办件已受理。",
                    recipient=applicant,
                    dedupe_key="case:341602260001:1:accepted",
                )
                time.sleep(0.01)  # hold the transaction open while the others try
            with _lock:
                results.append(sorted(row.pk for row in rows))
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=enqueue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert Notification.objects.count() == 2
    assert len(results) == 4 and all(pks == results[0] for pks in results)
