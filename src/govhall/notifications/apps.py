from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "govhall.notifications"
    label = "notifications"
    verbose_name = "消息通知"

    def ready(self) -> None:
        # Registers the built-in channel plugins (log SMS gateway, Django e-mail).
        from govhall.notifications import contrib  # noqa: F401
