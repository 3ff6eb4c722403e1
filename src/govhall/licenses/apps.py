from django.apps import AppConfig


class LicensesConfig(AppConfig):
    name = "govhall.licenses"
    label = "licenses"
    verbose_name = "电子证照"
