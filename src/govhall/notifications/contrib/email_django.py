"""The ``django`` e-mail channel: Django's configured e-mail backend (``EMAIL_*`` settings).

Each message carries ``Message-ID: <uuid@domain>`` derived from the notification uuid, so a copy
delivered again after a worker crash is recognisable as the same message by mail systems.
Option ``domain`` (default: this host's name) sets the part after ``@``.
"""

from __future__ import annotations

from uuid import UUID

from django.core.mail import EmailMessage
from django.core.mail.utils import DNS_NAME
from rest_framework import serializers

from govhall.notifications.channels import EmailChannel, email_channels


@email_channels.register("django")
class DjangoEmailChannel(EmailChannel):
    class OptionsSerializer(serializers.Serializer):
        domain = serializers.CharField(required=False, max_length=200)

    def message_id(self, uuid: UUID) -> str:
        domain = self.options.get("domain") or str(DNS_NAME)
        return f"<{uuid}@{domain}>"

    def send(self, *, uuid: UUID, address: str, subject: str, body: str) -> str:
        message_id = self.message_id(uuid)
        EmailMessage(
            subject=subject, body=body, to=[address], headers={"Message-ID": message_id}
        ).send()
        return message_id
