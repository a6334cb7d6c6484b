from django.apps import AppConfig


class CodesConfig(AppConfig):
    name = "techbridge.codes"
    label = "codes"
    verbose_name = "Code lists"
