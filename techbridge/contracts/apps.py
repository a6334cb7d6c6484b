from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "techbridge.contracts"
    label = "contracts"
    verbose_name = "Contracts"

    def ready(self) -> None:
        from django.urls import reverse

        from techbridge.contracts.selectors import contracts_visible_to
        from techbridge.core import visibility

        visibility.register(
            "contracts.technologycontract",
            visible=contracts_visible_to,
            url=lambda c: reverse("contracts:detail", args=[c.pk]),
        )
        from techbridge.imports import registry

        registry.register_importer("contracts", "techbridge.contracts.importers.ContractImporter")
        registry.register_exporter("contracts", "techbridge.contracts.importers.export_contracts")
