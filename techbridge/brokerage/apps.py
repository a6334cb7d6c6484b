from django.apps import AppConfig


class BrokerageConfig(AppConfig):
    name = "techbridge.brokerage"
    label = "brokerage"
    verbose_name = "Brokerage"

    def ready(self) -> None:
        from django.urls import reverse

        from techbridge.brokerage.selectors import deals_visible_to
        from techbridge.core import visibility

        visibility.register(
            "brokerage.deal",
            visible=deals_visible_to,
            url=lambda d: reverse("brokerage:deal", args=[d.pk]),
        )
