"""Sharing — service orders: pages and API paths (merged in urls/__init__.py)."""

from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.roles import Role
from techbridge.sharing.api import orders as api
from techbridge.sharing.views import orders as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("orders/", views.order_list, name="orders"),
    path("orders/new/", views.order_create, name="order_new"),
    path("orders/export/", views.orders_export, name="orders_export"),
    path("orders/usage-import/", views.usage_import, name="usage_import"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("orders/<int:pk>/usage/", views.order_usage, name="order_usage"),
    path("orders/<int:pk>/amend/", views.order_amend, name="order_amend"),
    path("orders/<int:pk>/<slug:action>/", views.order_action, name="order_action"),
]
api_urlpatterns: list[URLPattern | URLResolver] = [
    path("sharing/orders/", api.OrderListApi.as_view(), name="orders"),
    path("sharing/orders/<int:pk>/", api.OrderDetailApi.as_view(), name="order"),
    path("sharing/orders/<int:pk>/usage/", api.OrderUsageApi.as_view(), name="order-usage"),
    path("sharing/orders/<int:pk>/amend/", api.OrderAmendApi.as_view(), name="order-amend"),
    path("sharing/orders/<int:pk>/confirm/", api.OrderConfirmApi.as_view(), name="order-confirm"),
    path("sharing/orders/<int:pk>/cancel/", api.OrderCancelApi.as_view(), name="order-cancel"),
]
public_url_names: frozenset[str] = frozenset()
navigation: list = [
    (
        "sharing:orders",
        _("Service orders"),
        frozenset({Role.ENTERPRISE_MEMBER, Role.INSTITUTION_MEMBER, Role.BUREAU_STAFF}),
        72,
    ),
]
