from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "govhall.exchange"
    label = "exchange"
    verbose_name = "数据共享交换"
