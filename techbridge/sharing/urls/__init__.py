"""Sharing URLs: each part (agreements and rates, bookings, orders, vouchers, settlement and
reports) keeps its own list in its module, so the parts are edited independently."""

from django.urls import URLPattern, URLResolver

from techbridge.sharing.urls import agreements, bookings, orders, settlement, vouchers

app_name = "sharing"

_PARTS = (agreements, bookings, orders, vouchers, settlement)

urlpatterns: list[URLPattern | URLResolver] = [p for part in _PARTS for p in part.urlpatterns]
api_urlpatterns: list[URLPattern | URLResolver] = [
    p for part in _PARTS for p in part.api_urlpatterns
]
public_url_names: frozenset[str] = frozenset().union(*(part.public_url_names for part in _PARTS))
navigation: list = [entry for part in _PARTS for entry in part.navigation]
