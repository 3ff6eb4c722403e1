from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "govhall.analytics"
    label = "analytics"
    verbose_name = "绩效统计与分析"

    def ready(self) -> None:
        from govhall.analytics.verification import case_eligibility_section
        from govhall.cases.hooks import register_verification_extension

        # the eligibility explanation in each review step's one-click verification
        register_verification_extension(case_eligibility_section)
