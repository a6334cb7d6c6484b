from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "techbridge.notifications"
    label = "notifications"
    verbose_name = "Notifications"
