from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "govhall.supervision"
    label = "supervision"
    verbose_name = "电子监察"

    def ready(self) -> None:
        from govhall.supervision import sources  # noqa: F401  (registers task and case)
