from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "govhall.cases"
    label = "cases"
    verbose_name = "网上申报与办件"

    def ready(self) -> None:
        # Case numbers are purposes that registry queries may name.
        from govhall.cases import purposes  # noqa: F401
        from govhall.cases.checks import version_problems
        from govhall.catalog.services import register_version_check

        register_version_check(version_problems)
