from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "techbridge.sharing"
    label = "sharing"
    verbose_name = "Instrument and service sharing"

    def ready(self) -> None:
        from techbridge.imports import registry

        registry.register_importer("sharing-rates", "techbridge.sharing.importers.RateImporter")
        registry.register_importer("sharing-usage", "techbridge.sharing.importers.UsageImporter")
        registry.register_exporter("sharing-rates", "techbridge.sharing.importers.export_rates_for")
        registry.register_exporter("sharing-usage", "techbridge.sharing.importers.export_usage_for")
