from django.apps import AppConfig


class HousingConfig(AppConfig):
    name = "govhall.housing"
    label = "housing"
    verbose_name = "公租房保障"

    def ready(self) -> None:
        from govhall.cases.hooks import register_completion_hook, register_submission_check
        from govhall.housing.services_list import waiting_entry_on_completion
        from govhall.housing.submission import housing_submission_check

        register_submission_check(housing_submission_check)
        register_completion_hook(waiting_entry_on_completion)

        from govhall.housing import deadlines

        deadlines.register()
