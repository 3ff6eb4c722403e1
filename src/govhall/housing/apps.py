from django.apps import AppConfig


class HousingConfig(AppConfig):
    name = "govhall.housing"
    label = "housing"
    verbose_name = "公租房保障"
