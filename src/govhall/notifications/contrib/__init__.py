"""Built-in channel plugins. Importing this package registers them (see ``apps.py``)."""

from govhall.notifications.contrib import email_django, sms_log

__all__ = ["email_django", "sms_log"]
