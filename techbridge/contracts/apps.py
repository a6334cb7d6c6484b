from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "techbridge.contracts"
    label = "contracts"
    verbose_name = "Contracts"

    def ready(self) -> None:
        from techbridge.imports import registry

        registry.register_importer("contracts", "techbridge.contracts.importers.ContractImporter")
        registry.register_exporter("contracts", "techbridge.contracts.importers.export_contracts")
