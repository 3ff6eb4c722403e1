"""Delivery channels: plugins behind registries, one registry per channel kind.

An SMS gateway or e-mail channel is a subclass of :class:`SmsGateway` or :class:`EmailChannel`
registered under a name::

    from govhall.notifications.channels import SmsGateway, ChannelError, sms_gateways

    @sms_gateways.register("mycity")
    class MyCityGateway(SmsGateway):
        class OptionsSerializer(serializers.Serializer):
            url = serializers.URLField()
            sign = serializers.CharField()

        def send(self, *, uuid: UUID, phone: str, text: str) -> str:
            ...  # call the operator; pass ``uuid`` as its idempotency key
            return operator_message_id

Which plugin serves a channel is chosen by settings, read here when a message is delivered:

- ``GOVHALL_SMS_GATEWAY``: name of the SMS gateway, default ``"log"`` (stores each message as an
  :class:`~govhall.notifications.models.SmsMessage`, visible in the admin as 短信网关日志; nothing
  leaves the server).
- ``GOVHALL_SMS_GATEWAY_OPTIONS``: a dict of options for that gateway, validated by its
  ``OptionsSerializer``; default ``{}``.
- ``GOVHALL_EMAIL_CHANNEL``: name of the e-mail channel, default ``"django"`` (Django's e-mail
  backend, configured by the usual ``EMAIL_*`` settings).
- ``GOVHALL_EMAIL_CHANNEL_OPTIONS``: options for that channel; default ``{}``.

Contract for plugins: ``send`` returns the provider's message id or raises
:class:`ChannelError` (``permanent=True`` when retrying cannot help, e.g. a malformed number).
Any other exception counts as a temporary failure. A plugin must be idempotent on ``uuid``: the
dispatcher may hand it the same notification again after a worker was killed mid-delivery.

Built-in plugins live in :mod:`govhall.notifications.contrib` and are imported when the app is
ready; a city's own plugin registers itself from its app's ``AppConfig.ready``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from uuid import UUID

from django.conf import settings

from govhall.core.plugins import Plugin, Registry


class ChannelError(Exception):
    """A delivery failed. ``permanent``: do not retry (the address can never be reached)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class SmsGateway(Plugin, ABC):
    @abstractmethod
    def send(self, *, uuid: UUID, phone: str, text: str) -> str:
        """Send ``text`` to ``phone``; return the gateway's message id."""


class EmailChannel(Plugin, ABC):
    @abstractmethod
    def send(self, *, uuid: UUID, address: str, subject: str, body: str) -> str:
        """Send one e-mail; return its message id."""


sms_gateways: Registry[SmsGateway] = Registry("SMS gateway")
email_channels: Registry[EmailChannel] = Registry("e-mail channel")


def sms_gateway() -> SmsGateway:
    """The SMS gateway chosen by ``GOVHALL_SMS_GATEWAY`` (default ``"log"``)."""
    name = getattr(settings, "GOVHALL_SMS_GATEWAY", "") or "log"
    options = getattr(settings, "GOVHALL_SMS_GATEWAY_OPTIONS", None) or {}
    return sms_gateways.get(name)(options)


def email_channel() -> EmailChannel:
    """The e-mail channel chosen by ``GOVHALL_EMAIL_CHANNEL`` (default ``"django"``)."""
    name = getattr(settings, "GOVHALL_EMAIL_CHANNEL", "") or "django"
    options = getattr(settings, "GOVHALL_EMAIL_CHANNEL_OPTIONS", None) or {}
    return email_channels.get(name)(options)
