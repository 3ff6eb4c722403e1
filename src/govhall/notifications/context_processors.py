"""``unread_messages``: the signed-in user's unread in-site message count, for the header.

Lazy: the count is queried only when a template uses it. To use it, add
``"govhall.notifications.context_processors.unread_messages"`` to the template context
processors.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from govhall.notifications import selectors


def unread_messages(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"unread_message_count": lambda: selectors.notification_unread_count(actor=user)}
