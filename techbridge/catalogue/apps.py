from django.apps import AppConfig

IMPORT_KINDS = ("achievements", "experts", "instruments", "labs", "data", "services", "demands")


class CatalogueConfig(AppConfig):
    name = "techbridge.catalogue"
    label = "catalogue"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        from functools import partial

        from techbridge.catalogue.kinds import KINDS
        from techbridge.catalogue.selectors import visible_queryset
        from techbridge.core import visibility

        for kind, model in KINDS.items():
            visibility.register(
                model._meta.label_lower,
                visible=partial(visible_queryset, kind),
                url=lambda r: r.get_absolute_url(),
            )
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
