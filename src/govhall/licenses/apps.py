from django.apps import AppConfig


class LicensesConfig(AppConfig):
    name = "govhall.licenses"
    label = "licenses"
    verbose_name = "电子证照"

    def ready(self) -> None:
        from govhall.cases.hooks import register_completion_hook
        from govhall.licenses.services import license_issue_for_case

        register_completion_hook(license_issue_for_case)
