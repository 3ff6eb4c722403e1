"""The notification outbox and the built-in SMS gateway's log.

A :class:`Notification` row is written in the transaction of the change it announces
(``notification_enqueue``), so it exists exactly when that change committed. The worker then
delivers it through the channel's plugin (:mod:`govhall.notifications.channels`). Its ``uuid`` is
the idempotency key handed to gateways: a row delivered again after a crash is recognised by the
gateway and not sent twice.

Lifecycle of an SMS or e-mail row::

    pending → sending → sent
       ↑         ↓
       └── (error, backoff) ── → failed (after the last attempt)

In-site messages (channel ``site``) need no delivery: they are ``sent`` when written and become
read when their recipient opens them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Channel(models.TextChoices):
        SMS = "sms", _("短信")
        SITE = "site", _("站内消息")
        EMAIL = "email", _("电子邮件")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    uuid = models.UUIDField(_("消息标识"), default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    address = models.CharField(
        _("接收地址"), max_length=254, blank=True, help_text=_("手机号码或电子邮箱,写入时确定")
    )
    event = models.CharField(_("事件"), max_length=64, help_text=_("如 case.accepted"))
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    link = models.CharField(_("链接"), max_length=500, blank=True)
    related = models.CharField(
        _("关联对象"), max_length=100, blank=True, help_text=_("如 case:办件编号")
    )
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), default=timezone.now)
    locked_until = models.DateTimeField(_("租约到期"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=200, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("消息通知")
        verbose_name_plural = _("消息通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The dispatcher's queue: only rows still to deliver, in due order. Partial, so that
            # the millions of sent rows never enter it.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="notifications_due_idx",
            ),
            # A user's inbox, newest first.
            models.Index(
                fields=["recipient", "channel", "-created_at"], name="notifications_inbox_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.event} {self.address or self.recipient_id}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class SmsMessage(models.Model):
    """What the built-in ``log`` SMS gateway stored instead of sending: one row per
    notification uuid, so a delivery repeated after a crash stores nothing new."""

    notification_uuid = models.UUIDField(_("消息标识"), unique=True)
    phone = models.CharField(_("手机号码"), max_length=20)
    text = models.TextField(_("短信内容"))
    gateway_message_id = models.CharField(_("网关消息编号"), max_length=64)
    stored_at = models.DateTimeField(_("记录时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("短信网关日志")
        verbose_name_plural = _("短信网关日志")
        ordering = ["-stored_at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone} {self.text[:20]}"
