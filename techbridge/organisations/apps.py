from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "techbridge.organisations"
    label = "organisations"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from techbridge.imports import registry

        registry.register_importer(
            "organisations", "techbridge.organisations.importers.OrganisationImporter"
        )
        registry.register_exporter(
            "organisations", "techbridge.organisations.importers.export_organisations"
        )
