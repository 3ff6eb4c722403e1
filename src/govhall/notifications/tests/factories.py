from __future__ import annotations

import uuid

import factory
from django.utils import timezone

from govhall.notifications.models import Notification


class SiteMessageFactory(factory.django.DjangoModelFactory):
    """An in-site message, as ``notification_enqueue`` writes it."""

    class Meta:
        model = Notification

    uuid = factory.LazyFunction(uuid.uuid4)
    channel = Notification.Channel.SITE
    event = "case.accepted"
    subject = "您的办件已受理"
    body = factory.Sequence(lambda n: f"您申请的公共租赁住房资格申请已受理,办件编号{n:06d}。")
    link = "/cases/"
    status = Notification.Status.SENT
    sent_at = factory.LazyFunction(timezone.now)

    class Params:
        read = factory.Trait(read_at=factory.LazyFunction(timezone.now))
