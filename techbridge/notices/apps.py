from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "techbridge.notices"
    label = "notices"
    verbose_name = "Notices and briefings"
