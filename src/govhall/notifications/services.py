"""Writing notifications (the outbox) and reading state of in-site messages.

Other apps announce a change by calling :func:`notification_enqueue` inside the transaction of
that change::

    with transaction.atomic():
        ...  # accept the case, audit it
        notification_enqueue(
            event="case.accepted",
            recipient=case.applicant,
            subject=_("您的办件已受理"),
            body=_("您申请的%(item)s已受理,办件编号%(number)s。") % {...},
            link=f"/cases/{case.number}/",
            related=f"case:{case.number}",
            dedupe_key=f"case.accepted:{case.number}",
        )

The rows commit or roll back with the change; after the commit a dispatch job is scheduled
(:func:`govhall.notifications.dispatch.dispatch_soon`) and the worker delivers them.

Auditing: the change that causes a notification is audited by its own service; the outbox row
is the record of the notification itself (created, attempts, sent, read), so enqueueing and
marking read write no audit rows of their own (they run in every case transaction and would
serialize on the audit chain for nothing). What an administrator does (re-sending failed
notifications) is audited.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from govhall.accounts import permissions
from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.notifications import selectors
from govhall.notifications.dispatch import dispatch_soon
from govhall.notifications.models import Notification

Channel = Notification.Channel
_KEY_CHUNK = 500


@dataclass(frozen=True)
class NotificationSpec:
    """One notification to enqueue, for :func:`notification_enqueue_many`."""

    event: str
    subject: str
    body: str
    recipient: Any = None
    phone: str = ""
    email: str = ""
    channels: Sequence[str] = (Channel.SMS, Channel.SITE)
    link: str = ""
    related: str = ""
    dedupe_key: str | None = None


def _address(spec: NotificationSpec, channel: str) -> str | None:
    """Where ``channel`` reaches the recipient, or None when it cannot."""
    recipient = spec.recipient
    if channel == Channel.SMS:
        phone = (spec.phone or getattr(recipient, "phone", "") or "").replace(" ", "")
        return phone or None
    if channel == Channel.EMAIL:
        return (spec.email or getattr(recipient, "email", "") or "").strip() or None
    if channel == Channel.SITE:
        return "" if recipient is not None else None
    raise ValueError(f"unknown notification channel {channel!r}")


def _row_key(dedupe_key: str | None, channel: str) -> str | None:
    if dedupe_key is None:
        return None
    key = f"{dedupe_key}:{channel}"
    return key if len(key) <= 200 else f"sha256:{hashlib.sha256(key.encode()).hexdigest()}"


def _rows(spec: NotificationSpec, now: Any) -> list[Notification]:
    if spec.link and not (
        spec.link.startswith("/")
        and url_has_allowed_host_and_scheme(spec.link, allowed_hosts=set())
    ):
        raise ValueError(f"notification link must be a path on this site, not {spec.link!r}")
    rows = []
    for channel in dict.fromkeys(spec.channels):
        address = _address(spec, channel)
        if address is None:
            continue
        site = channel == Channel.SITE
        rows.append(
            Notification(
                uuid=uuid.uuid4(),
                channel=channel,
                recipient=spec.recipient,
                address=address,
                event=spec.event[:64],
                subject=str(spec.subject)[:200],
                body=str(spec.body),
                link=spec.link,
                related=spec.related[:100],
                status=Notification.Status.SENT if site else Notification.Status.PENDING,
                sent_at=now if site else None,
                next_attempt_at=now,
                created_at=now,
                dedupe_key=_row_key(spec.dedupe_key, channel),
            )
        )
    return rows


def _require_transaction(name: str) -> None:
    if not connection.in_atomic_block:
        raise RuntimeError(f"{name} must be called inside the caller's transaction.atomic()")


def _after_commit(rows: Iterable[Notification]) -> None:
    if any(row.status == Notification.Status.PENDING for row in rows):
        # robust: the rows are committed; a failure here only delays them to the periodic run.
        transaction.on_commit(dispatch_soon, robust=True)


def _known(keys: list[str]) -> dict[str, Notification]:
    known: dict[str, Notification] = {}
    for start in range(0, len(keys), _KEY_CHUNK):
        chunk = keys[start : start + _KEY_CHUNK]
        known.update({n.dedupe_key: n for n in Notification.objects.filter(dedupe_key__in=chunk)})
    return known


def notification_enqueue(
    *,
    event: str,
    subject: str,
    body: str,
    recipient: Any = None,
    phone: str = "",
    email: str = "",
    channels: Iterable[str] = (Channel.SMS, Channel.SITE),
    link: str = "",
    related: str = "",
    dedupe_key: str | None = None,
) -> list[Notification]:
    """Write one outbox row per channel that can reach the recipient; see the module doc.

    ``sms`` needs ``phone`` or the recipient's phone, ``email`` needs ``email`` or the
    recipient's e-mail, ``site`` needs a recipient user; channels that cannot be addressed are
    skipped. ``dedupe_key``: enqueueing the same key again returns the first rows (one per
    channel). ``link`` is a path on this site. SMS carries ``body`` only; keep it short.
    Must run inside the caller's transaction; costs one INSERT (plus one SELECT with a key).
    """
    _require_transaction("notification_enqueue")
    spec = NotificationSpec(
        event=event,
        subject=subject,
        body=body,
        recipient=recipient,
        phone=phone,
        email=email,
        channels=tuple(channels),
        link=link,
        related=related,
        dedupe_key=dedupe_key,
    )
    rows = _rows(spec, timezone.now())
    if not rows:
        return []
    if dedupe_key is None:
        created = Notification.objects.bulk_create(rows)
        _after_commit(created)
        return created
    return _enqueue_deduplicated(rows)


def _enqueue_deduplicated(rows: list[Notification]) -> list[Notification]:
    # INSERT ... ON CONFLICT DO NOTHING (SQLite: INSERT OR IGNORE): a key written before, or by
    # a concurrent transaction (PostgreSQL waits for it to end), keeps its first row. No
    # savepoint is needed, and the SELECT returns the rows that hold the keys either way.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    keys = [row.dedupe_key for row in rows]
    known = _known(keys)
    _after_commit(known.values())
    return [known[key] for key in keys if key in known]


def notification_enqueue_many(specs: Iterable[NotificationSpec]) -> int:
    """Enqueue many notifications with one bulk INSERT (sweeps, reminders to a cohort).

    Rows whose dedupe key exists already (or repeats within ``specs``) are skipped. Returns the
    number of rows offered to the database (a row lost to a concurrent twin still counts).
    Must run inside the caller's transaction.
    """
    _require_transaction("notification_enqueue_many")
    now = timezone.now()
    rows = [row for spec in specs for row in _rows(spec, now)]
    keys = [row.dedupe_key for row in rows if row.dedupe_key]
    if keys:
        seen = set(_known(keys))
        fresh = []
        for row in rows:
            if row.dedupe_key is None or row.dedupe_key not in seen:
                fresh.append(row)
                if row.dedupe_key:
                    seen.add(row.dedupe_key)
        rows = fresh
    Notification.objects.bulk_create(rows, batch_size=500, ignore_conflicts=bool(keys))
    _after_commit(rows)
    return len(rows)


def notification_mark_read(*, actor: Any, notification_id: int) -> Notification:
    """Mark one of the actor's in-site messages read (404 for anyone else's)."""
    with transaction.atomic():
        message = selectors.notification_get(actor=actor, notification_id=notification_id)
        if message.read_at is None:
            message.read_at = timezone.now()
            Notification.objects.filter(pk=message.pk, read_at__isnull=True).update(
                read_at=message.read_at
            )
    return message


def notification_mark_all_read(*, actor: Any) -> int:
    """Mark all of the actor's unread in-site messages read; returns how many."""
    with transaction.atomic():
        unread = selectors.notification_inbox(actor=actor, unread_only=True)
        return Notification.objects.filter(pk__in=unread.values("pk")).update(
            read_at=timezone.now()
        )


def notification_retry(*, actor: Any, notifications: QuerySet[Notification]) -> int:
    """Send failed SMS and e-mail notifications again (system administrators, from the admin).

    They become pending with fresh attempts; the gateway still recognises any that went out.
    """
    if not permissions.is_system_admin(actor) and not getattr(actor, "is_superuser", False):
        raise errors.PermissionDenied()
    with transaction.atomic():
        failed = notifications.filter(status=Notification.Status.FAILED).exclude(
            channel=Channel.SITE
        )
        ids = list(failed.values_list("pk", flat=True))
        count = Notification.objects.filter(pk__in=ids).update(
            status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        if count:
            audit_record(
                actor=actor,
                action="notifications.retry",
                object_type="notifications.notification",
                object_id=str(ids[0]) if count == 1 else "",
                extra={"ids": ids, "count": count},
            )
            transaction.on_commit(dispatch_soon, robust=True)
    return count
