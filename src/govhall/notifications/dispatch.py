"""The dispatcher: delivers due outbox rows through their channel's plugin.

Claiming follows the job table's design (:mod:`govhall.core.jobs`):

- A batch of due rows (``pending``, or ``sending`` whose lease ran out) is claimed in one short
  transaction: ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent workers take
  different rows; on SQLite the claim transaction holds the write lock (IMMEDIATE mode). Claimed
  rows become ``sending`` with ``attempts + 1`` and a lease (``locked_until``). While a row is
  sending its ``next_attempt_at`` equals ``locked_until``, so one index on ``next_attempt_at``
  finds both fresh and abandoned rows.
- The gateway is called outside any transaction, with the row's ``uuid``. A worker killed here
  leaves the row ``sending``; after the lease it is claimed again and handed to the gateway with
  the same uuid, which the gateway recognises (plugins are idempotent on it): never lost, never
  sent twice.
- The outcome is written only while the row is still ours (same lease), so a slow worker cannot
  overwrite what the row's next owner recorded.
- A failure keeps the error and retries after ``30 s × 2^(attempts-1)`` (capped at an hour);
  after ``GOVHALL_NOTIFY_MAX_ATTEMPTS`` attempts (default 8, read here) the row is ``failed``.
  A plugin that is not configured correctly does not use up attempts: the row waits and the
  error is kept for the administrator.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from govhall.core.jobs import job_enqueue
from govhall.notifications import channels
from govhall.notifications.channels import ChannelError
from govhall.notifications.models import Notification

logger = logging.getLogger("govhall.notifications")

DISPATCH_JOB = "notifications.dispatch"
LEASE = timedelta(minutes=5)
BATCH_SIZE = 100
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600
# A misconfigured plugin is looked at again after this long.
CONFIG_RETRY = timedelta(minutes=5)
_DUE = [Notification.Status.PENDING, Notification.Status.SENDING]


def max_attempts() -> int:
    """``GOVHALL_NOTIFY_MAX_ATTEMPTS``: deliveries tried before a row is failed (default 8)."""
    return max(1, int(getattr(settings, "GOVHALL_NOTIFY_MAX_ATTEMPTS", 8) or 8))


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed delivery: 30 s, 60 s, 120 s, ... at most 1 h."""
    return timedelta(
        seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
    )


# --- scheduling ------------------------------------------------------------------------------

_scheduled_second: int | None = None


def dispatch_soon(now: dt.datetime | None = None) -> None:
    """Make sure a dispatch job runs within about a second (called on commit by enqueue).

    One job per second at most: its dedupe key names the current second and it runs at the start
    of the next one, i.e. after every commit of this second. Each process remembers the second
    it already scheduled, so a busy web process writes one job row per second, not one per case.
    The periodic dispatch (every 30 s) catches anything this misses.
    """
    global _scheduled_second
    now = now or timezone.now()
    second = int(now.timestamp())
    if _scheduled_second == second:
        return
    job_enqueue(
        kind=DISPATCH_JOB,
        dedupe_key=f"{DISPATCH_JOB}@s{second}",
        run_after=dt.datetime.fromtimestamp(second + 1, tz=dt.UTC),
    )
    _scheduled_second = second


def dispatch_schedule_forget() -> None:
    """Forget the second this process scheduled (tests: a rolled-back job row is gone)."""
    global _scheduled_second
    _scheduled_second = None


# --- claiming --------------------------------------------------------------------------------


def notification_claim(
    *, batch_size: int = BATCH_SIZE, lease: timedelta = LEASE, now: dt.datetime | None = None
) -> list[Notification]:
    """Claim up to ``batch_size`` due rows for delivery under a lease; see the module doc."""
    while True:
        claimed, exhausted = _claim_batch(batch_size, lease, now or timezone.now())
        if claimed or not exhausted:
            return claimed


def _claim_batch(
    batch_size: int, lease: timedelta, now: dt.datetime
) -> tuple[list[Notification], bool]:
    """One claim transaction: the rows claimed, and whether any due row was given up."""
    until = now + lease
    limit = max_attempts()
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status__in=_DUE, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")[:batch_size]
        )
        exhausted = [row.pk for row in rows if row.attempts >= limit]
        if exhausted:
            # Its last worker died on the final attempt: give up visibly instead of looping.
            _fail_exhausted(exhausted, now)
        claimed = [row for row in rows if row.attempts < limit]
        Notification.objects.filter(pk__in=[row.pk for row in claimed]).update(
            status=Notification.Status.SENDING,
            attempts=F("attempts") + 1,
            locked_until=until,
            next_attempt_at=until,
        )
    for row in claimed:
        row.status = Notification.Status.SENDING
        row.attempts += 1
        row.locked_until = row.next_attempt_at = until
    return claimed, bool(exhausted)


def _fail_exhausted(ids: list[int], now: dt.datetime) -> None:
    exhausted = Notification.objects.filter(pk__in=ids)
    exhausted.filter(last_error="").update(last_error="lease expired on the final attempt")
    exhausted.update(status=Notification.Status.FAILED, locked_until=None, next_attempt_at=now)
    logger.warning("notifications %s failed: lease expired on the final attempt", ids)


# --- delivery --------------------------------------------------------------------------------


@dataclass
class _Plugins:
    """The channel plugins of one dispatch run, resolved from settings when first needed."""

    _sms: channels.SmsGateway | None = None
    _email: channels.EmailChannel | None = None

    def sms(self) -> channels.SmsGateway:
        if self._sms is None:
            self._sms = channels.sms_gateway()
        return self._sms

    def email(self) -> channels.EmailChannel:
        if self._email is None:
            self._email = channels.email_channel()
        return self._email


def _send(row: Notification, plugins: _Plugins) -> None:
    if row.channel == Notification.Channel.SMS:
        plugins.sms().send(uuid=row.uuid, phone=row.address, text=row.body)
    elif row.channel == Notification.Channel.EMAIL:
        plugins.email().send(uuid=row.uuid, address=row.address, subject=row.subject, body=row.body)
    # In-site messages are delivered by being stored; one found here is simply marked sent.


def _mine(row: Notification) -> QuerySet[Notification]:
    """The row, as long as our lease on it holds."""
    return Notification.objects.filter(
        pk=row.pk, status=Notification.Status.SENDING, locked_until=row.locked_until
    )


def notification_deliver(row: Notification, plugins: _Plugins | None = None) -> bool:
    """Deliver one claimed row and record the outcome. Returns True when it was sent."""
    try:
        _send(row, plugins or _Plugins())
    except ImproperlyConfigured as exc:
        logger.error("notification %s not sent: %s", row.uuid, exc)
        _mine(row).update(
            status=Notification.Status.PENDING,
            attempts=F("attempts") - 1,
            next_attempt_at=timezone.now() + CONFIG_RETRY,
            locked_until=None,
            last_error=f"configuration: {exc}"[:4000],
        )
        return False
    except Exception as exc:
        _record_failure(row, exc)
        return False
    _mine(row).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), locked_until=None, last_error=""
    )
    return True


def _record_failure(row: Notification, exc: Exception) -> None:
    permanent = isinstance(exc, ChannelError) and exc.permanent
    final = permanent or row.attempts >= max_attempts()
    error = str(exc) if isinstance(exc, ChannelError) else traceback.format_exc(limit=6)
    logger.warning(
        "notification %s (%s) failed on attempt %s%s",
        row.uuid,
        row.channel,
        row.attempts,
        ", giving up" if final else "",
    )
    _mine(row).update(
        status=Notification.Status.FAILED if final else Notification.Status.PENDING,
        next_attempt_at=timezone.now() + backoff(row.attempts),
        locked_until=None,
        last_error=error[-4000:],
    )


@dataclass(frozen=True)
class DispatchRun:
    handled: int
    sent: int
    drained: bool  # no due row was left when the run stopped


def dispatch_run(
    *, limit: int = 10_000, batch_size: int = BATCH_SIZE, time_budget: float | None = None
) -> DispatchRun:
    """Claim and deliver batches until nothing is due, ``limit`` rows were handled or
    ``time_budget`` seconds have passed."""
    started = time.monotonic()
    plugins = _Plugins()
    handled = sent = 0
    while handled < limit:
        if time_budget is not None and time.monotonic() - started > time_budget:
            return DispatchRun(handled, sent, drained=False)
        batch = notification_claim(batch_size=min(batch_size, limit - handled))
        if not batch:
            return DispatchRun(handled, sent, drained=True)
        sent += sum(notification_deliver(row, plugins) for row in batch)
        handled += len(batch)
    return DispatchRun(handled, sent, drained=False)


def notifications_dispatch(*, limit: int = 10_000) -> int:
    """Deliver everything due now (up to ``limit`` rows); returns how many rows were handled
    (sent, or failed and rescheduled). For tests, the management command and the worker."""
    return dispatch_run(limit=limit).handled
