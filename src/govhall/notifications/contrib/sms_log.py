"""The ``log`` SMS gateway: stores each message instead of sending it.

The default, for demos, tests and cities that have not contracted an SMS operator yet: messages
are kept as :class:`~govhall.notifications.models.SmsMessage` rows, shown read-only in the admin
(短信网关日志). Idempotent on the notification uuid: a second delivery of the same notification
returns the first message id and stores nothing.
"""

from __future__ import annotations

import logging
from uuid import UUID

from govhall.notifications.channels import SmsGateway, sms_gateways
from govhall.notifications.models import SmsMessage

logger = logging.getLogger("govhall.notifications")


@sms_gateways.register("log")
class LogSmsGateway(SmsGateway):
    def send(self, *, uuid: UUID, phone: str, text: str) -> str:
        message, created = SmsMessage.objects.get_or_create(
            notification_uuid=uuid,
            defaults={"phone": phone, "text": text, "gateway_message_id": f"LOG-{uuid.hex}"},
        )
        if created:
            logger.info("sms stored for %s (%s)", phone[-4:].rjust(len(phone), "*"), uuid)
        return message.gateway_message_id
