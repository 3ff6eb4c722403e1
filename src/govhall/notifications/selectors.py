"""Reads of in-site messages, always scoped to their recipient.

Only the recipient sees a message: anyone else (and anonymous visitors) gets an empty inbox, and
:func:`notification_get` answers 404 exactly as for a message that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from govhall.accounts import permissions
from govhall.core import errors
from govhall.notifications.models import Notification


def notification_inbox(*, actor: Any, unread_only: bool = False) -> QuerySet[Notification]:
    """The actor's in-site messages, newest first."""
    if not permissions.is_authenticated_user(actor):
        return Notification.objects.none()
    messages = Notification.objects.filter(recipient=actor, channel=Notification.Channel.SITE)
    if unread_only:
        messages = messages.filter(read_at__isnull=True)
    return messages.order_by("-created_at", "-id")


def notification_unread_count(*, actor: Any) -> int:
    return notification_inbox(actor=actor, unread_only=True).count()


def notification_get(*, actor: Any, notification_id: int) -> Notification:
    """One of the actor's in-site messages; 404 for every other id."""
    message = notification_inbox(actor=actor).filter(pk=notification_id).first()
    if message is None:
        raise errors.NotFound()
    return message
