from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "techbridge.jobs"
    label = "jobs"
    verbose_name = "Jobs"

    def ready(self) -> None:
        # Every app's jobs.py registers its handlers and schedules (like admin.py).
        from techbridge.jobs import registry

        registry.autodiscover()
