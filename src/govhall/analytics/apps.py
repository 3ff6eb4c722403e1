from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "govhall.analytics"
    label = "analytics"
    verbose_name = "绩效统计与分析"
