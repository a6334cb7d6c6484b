from django.apps import AppConfig

IMPORT_KINDS = ("achievements", "experts", "instruments", "labs", "data", "services", "demands")


class CatalogueConfig(AppConfig):
    name = "techbridge.catalogue"
    label = "catalogue"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        from techbridge.imports import registry

        for kind in IMPORT_KINDS:
            name = {"achievements": "Achievement", "experts": "Expert"}.get(kind)
            name = (
                name
                or {
                    "instruments": "Instrument",
                    "labs": "Lab",
                    "data": "Data",
                    "services": "Service",
                    "demands": "Demand",
                }[kind]
            )
            registry.register_importer(kind, f"techbridge.catalogue.importers.{name}Importer")
            registry.register_exporter(kind, f"techbridge.catalogue.importers.export_{kind}")
