from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "techbridge.supervision"
    label = "supervision"
    verbose_name = "Problem supervision"
