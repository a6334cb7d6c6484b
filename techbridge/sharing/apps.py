from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "techbridge.sharing"
    label = "sharing"
    verbose_name = "Instrument and service sharing"
