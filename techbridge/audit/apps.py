from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "techbridge.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        # Authentication events come from Django and axes as signals; the receivers only
        # write audit rows (no business logic).
        from techbridge.audit import receivers  # noqa: F401
