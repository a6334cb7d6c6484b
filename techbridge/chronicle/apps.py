from django.apps import AppConfig


class ChronicleConfig(AppConfig):
    name = "techbridge.chronicle"
    label = "chronicle"
    verbose_name = "Cooperation chronicle and news"
