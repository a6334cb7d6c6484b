from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "techbridge.stats"
    label = "stats"
    verbose_name = "Stats"
