from django.apps import AppConfig


class BrokerageConfig(AppConfig):
    name = "techbridge.brokerage"
    label = "brokerage"
    verbose_name = "Brokerage"
