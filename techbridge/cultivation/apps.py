from django.apps import AppConfig


class CultivationConfig(AppConfig):
    name = "techbridge.cultivation"
    label = "cultivation"
    verbose_name = "Enterprise cultivation tiers"
