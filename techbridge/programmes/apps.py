from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "techbridge.programmes"
    label = "programmes"
    verbose_name = "Cooperation programmes"

    def ready(self) -> None:
        from techbridge.matching import partners
        from techbridge.programmes.attribution import partners_of_record

        # Each demand's partner-region signal comes from its own programme.
        partners.register(partners_of_record)
