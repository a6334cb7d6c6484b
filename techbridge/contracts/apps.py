from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "techbridge.contracts"
    label = "contracts"
    verbose_name = "Contracts"
