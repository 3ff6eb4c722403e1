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
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, Generic, TypeVar
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from rest_framework import serializers


class ChannelError(Exception):
    """A delivery failed. ``permanent``: do not retry (the address can never be reached)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Plugin:
    """Common base: a name (set by the registry) and options validated by a serializer."""

    name: ClassVar[str] = ""
    OptionsSerializer: ClassVar[type[serializers.Serializer] | None] = None

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        self.options = self.validate_options(options or {})

    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> dict[str, Any]:
        if cls.OptionsSerializer is None:
            return dict(options)
        serializer = cls.OptionsSerializer(data=options)
        if not serializer.is_valid():
            raise ImproperlyConfigured(
                f"options of channel plugin {cls.name!r}: {serializer.errors}"
            )
        return dict(serializer.validated_data)


class SmsGateway(Plugin, ABC):
    @abstractmethod
    def send(self, *, uuid: UUID, phone: str, text: str) -> str:
        """Send ``text`` to ``phone``; return the gateway's message id."""


class EmailChannel(Plugin, ABC):
    @abstractmethod
    def send(self, *, uuid: UUID, address: str, subject: str, body: str) -> str:
        """Send one e-mail; return its message id."""


P = TypeVar("P", bound=Plugin)


class Registry(Generic[P]):
    """Named plugins of one kind."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._plugins: dict[str, type[P]] = {}

    def register(self, name: str) -> Callable[[type[P]], type[P]]:
        def decorator(cls: type[P]) -> type[P]:
            if name in self._plugins and self._plugins[name] is not cls:
                raise ImproperlyConfigured(f"{self.kind} plugin {name!r} is registered twice")
            cls.name = name
            self._plugins[name] = cls
            return cls

        return decorator

    def __contains__(self, name: str) -> bool:
        return name in self._plugins

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._plugins))

    def get(self, name: str) -> type[P]:
        try:
            return self._plugins[name]
        except KeyError:
            known = ", ".join(self) or "-"
            raise ImproperlyConfigured(
                f"no {self.kind} plugin named {name!r} (registered: {known})"
            ) from None


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
