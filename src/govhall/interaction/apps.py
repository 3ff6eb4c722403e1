from django.apps import AppConfig


class InteractionConfig(AppConfig):
    name = "govhall.interaction"
    label = "interaction"
    verbose_name = "好差评与咨询投诉"

    def ready(self) -> None:
        from govhall.interaction import deadlines

        deadlines.register()
