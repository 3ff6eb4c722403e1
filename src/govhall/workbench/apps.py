from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "govhall.workbench"
    label = "workbench"
    verbose_name = "工作台"
