from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "techbridge.catalogue"
    label = "catalogue"
    verbose_name = "Catalogue"
