"""``notification_enqueue`` and ``notification_enqueue_many``: the outbox is written in the
caller's transaction, one row per channel that can be addressed, deduplicated by key."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from govhall.core.models import Job
from govhall.notifications.dispatch import DISPATCH_JOB, dispatch_schedule_forget, dispatch_soon
from govhall.notifications.models import Notification
from govhall.notifications.services import (
    NotificationSpec,
    notification_enqueue,
    notification_enqueue_many,
)

ACCEPTED = {
    "event": "case.accepted",
    "subject": "您的办件已受理",
    "body": "您申请的公共租赁住房资格申请已受理,办件编号341602260001。",
    "link": "/cases/341602260001/",
    "related": "case:341602260001",
}


class Boom(Exception):
    pass


@pytest.mark.django_db
def test_rows_exist_only_when_the_callers_transaction_commits(
    applicant, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks(execute=True)
    with capture as callbacks, pytest.raises(Boom), transaction.atomic():
        notification_enqueue(recipient=applicant, **ACCEPTED)
        raise Boom
    assert Notification.objects.count() == 0
    assert callbacks == [] and not Job.objects.filter(kind=DISPATCH_JOB).exists()

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        rows = notification_enqueue(recipient=applicant, **ACCEPTED)
    assert {row.channel for row in rows} == {"sms", "site"}
    assert Notification.objects.count() == 2
    assert len(callbacks) == 1
    assert Job.objects.filter(kind=DISPATCH_JOB, status="pending").count() == 1


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_is_refused(applicant):
    with pytest.raises(RuntimeError, match="transaction"):
        notification_enqueue(recipient=applicant, **ACCEPTED)
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_sms_goes_to_the_recipients_phone_and_site_messages_are_sent_at_once(applicant):
    sms, site = notification_enqueue(recipient=applicant, channels=["sms", "site"], **ACCEPTED)
    assert (sms.channel, sms.address, sms.status) == ("sms", applicant.phone, "pending")
    assert sms.sent_at is None and sms.attempts == 0
    assert (site.channel, site.address, site.status) == ("site", "", "sent")
    assert site.sent_at is not None and site.read_at is None
    assert sms.uuid != site.uuid
    assert sms.related == "case:341602260001" and site.link == "/cases/341602260001/"


@pytest.mark.django_db
def test_channels_that_cannot_be_addressed_are_skipped(applicant):
    applicant.phone = ""
    applicant.email = "zhangsan@example.cn"
    applicant.save()
    rows = notification_enqueue(recipient=applicant, channels=["sms", "site", "email"], **ACCEPTED)
    assert [(row.channel, row.address) for row in rows] == [
        ("site", ""),
        ("email", "zhangsan@example.cn"),
    ]
    # No user: an SMS to a bare phone number only; no in-site message, no e-mail.
    rows = notification_enqueue(
        phone="139 0000 1111", channels=["sms", "site", "email"], **ACCEPTED
    )
    assert [(row.channel, row.address, row.recipient) for row in rows] == [
        ("sms", "13900001111", None)
    ]
    assert notification_enqueue(channels=["sms", "site"], **ACCEPTED) == []


@pytest.mark.django_db
def test_an_explicit_phone_wins_over_the_recipients(applicant):
    [sms] = notification_enqueue(
        recipient=applicant, phone="13912345678", channels=["sms"], **ACCEPTED
    )
    assert sms.address == "13912345678" and sms.recipient == applicant


@pytest.mark.django_db
def test_the_same_dedupe_key_gives_one_row_per_channel(applicant):
    first = notification_enqueue(recipient=applicant, dedupe_key="case.accepted:1", **ACCEPTED)
    again = notification_enqueue(recipient=applicant, dedupe_key="case.accepted:1", **ACCEPTED)
    assert [row.pk for row in again] == [row.pk for row in first]
    assert Notification.objects.count() == 2
    assert set(Notification.objects.values_list("dedupe_key", flat=True)) == {
        "case.accepted:1:sms",
        "case.accepted:1:site",
    }
    # A channel added later under the same key is written once, beside the existing ones.
    applicant.email = "zhangsan@example.cn"
    applicant.save()
    more = notification_enqueue(
        recipient=applicant,
        channels=["sms", "site", "email"],
        dedupe_key="case.accepted:1",
        **ACCEPTED,
    )
    assert [row.channel for row in more] == ["sms", "site", "email"]
    assert Notification.objects.count() == 3


@pytest.mark.django_db
def test_a_very_long_dedupe_key_still_fits(applicant):
    key = "sweep:" + "x" * 300
    first = notification_enqueue(recipient=applicant, dedupe_key=key, **ACCEPTED)
    again = notification_enqueue(recipient=applicant, dedupe_key=key, **ACCEPTED)
    assert [row.pk for row in again] == [row.pk for row in first]
    assert all(len(row.dedupe_key) <= 200 for row in first)


@pytest.mark.django_db
def test_enqueue_costs_one_insert_and_a_select_with_a_dedupe_key(
    applicant, django_assert_num_queries
):
    with django_assert_num_queries(1):
        notification_enqueue(recipient=applicant, **ACCEPTED)
    with django_assert_num_queries(2):
        notification_enqueue(recipient=applicant, dedupe_key="case.accepted:2", **ACCEPTED)


@pytest.mark.django_db
def test_many_commits_schedule_one_dispatch_job_per_second(
    applicant, other_applicant, django_capture_on_commit_callbacks
):
    for person in [applicant, other_applicant] * 5:
        capture = django_capture_on_commit_callbacks(execute=True)
        with capture as callbacks, transaction.atomic():
            notification_enqueue(recipient=person, **ACCEPTED)
        assert len(callbacks) == 1
    jobs = Job.objects.filter(kind=DISPATCH_JOB)
    # (A second boundary may fall within the test: then two jobs, never one per commit.)
    assert 1 <= jobs.count() <= 2
    job = jobs.order_by("id").first()
    second = int(job.dedupe_key.removeprefix(f"{DISPATCH_JOB}@s"))
    assert job.run_after.timestamp() == second + 1  # after every commit of that second


@pytest.mark.django_db
def test_dispatch_soon_writes_one_job_per_second_and_remembers_it(django_assert_num_queries):
    now = timezone.now()
    dispatch_soon(now)
    with django_assert_num_queries(0):
        dispatch_soon(now)  # this process already scheduled this second
    dispatch_schedule_forget()  # as if another process
    dispatch_soon(now)
    assert Job.objects.filter(kind=DISPATCH_JOB).count() == 1
    job = Job.objects.get(kind=DISPATCH_JOB)
    # It runs at the start of the next second: after every commit of this one.
    assert job.run_after.timestamp() == int(now.timestamp()) + 1
    dispatch_soon(now + timedelta(seconds=1))
    assert Job.objects.filter(kind=DISPATCH_JOB).count() == 2


@pytest.mark.django_db
def test_site_messages_alone_schedule_no_dispatch(applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        notification_enqueue(recipient=applicant, channels=["site"], **ACCEPTED)
    assert callbacks == []


@pytest.mark.django_db
def test_link_must_be_a_path_on_this_site(applicant):
    for link in [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example/x",
        "javascript:alert(1)",
        "cases/1/",
    ]:
        with pytest.raises(ValueError, match="link"):
            notification_enqueue(recipient=applicant, **{**ACCEPTED, "link": link})
    with pytest.raises(ValueError, match="channel"):
        notification_enqueue(recipient=applicant, channels=["fax"], **ACCEPTED)


@pytest.mark.django_db
def test_enqueue_many_writes_one_insert_and_skips_known_keys(
    applicant, other_applicant, django_assert_num_queries
):
    notification_enqueue(recipient=applicant, dedupe_key="remind:1", **ACCEPTED)
    specs = [
        NotificationSpec(recipient=person, dedupe_key=f"remind:{n}", **ACCEPTED)
        for n, person in enumerate([applicant, other_applicant, applicant], start=1)
    ]
    specs.append(specs[1])  # the same key twice in one call
    with django_assert_num_queries(2):  # the known keys, then one INSERT
        written = notification_enqueue_many(specs)
    assert written == 4  # remind:2 and remind:3, two channels each
    assert Notification.objects.count() == 6
    assert notification_enqueue_many(specs) == 0


@pytest.mark.django_db(transaction=True)
def test_enqueue_many_outside_a_transaction_is_refused(applicant):
    with pytest.raises(RuntimeError):
        notification_enqueue_many([NotificationSpec(recipient=applicant, **ACCEPTED)])
