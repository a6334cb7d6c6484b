from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "techbridge.organisations"
    label = "organisations"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from django.urls import reverse

        from techbridge.core import visibility
        from techbridge.organisations.selectors import organisations_visible_to

        # The audit trail links an organisation where its reader may open it.
        visibility.register(
            "organisations.organisation",
            visible=organisations_visible_to,
            url=lambda o: reverse("organisations:detail", args=[o.pk]),
        )
        from techbridge.imports import registry

        registry.register_importer(
            "organisations", "techbridge.organisations.importers.OrganisationImporter"
        )
        registry.register_exporter(
            "organisations", "techbridge.organisations.importers.export_organisations"
        )
