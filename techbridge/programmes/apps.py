from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "techbridge.programmes"
    label = "programmes"
    verbose_name = "Cooperation programmes"
