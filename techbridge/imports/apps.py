from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "techbridge.imports"
    label = "imports"
    verbose_name = "Imports and exports"
