"""Sharing — bookings: pages and API paths (merged in urls/__init__.py)."""

from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.roles import Role
from techbridge.sharing.api import bookings as api
from techbridge.sharing.views import bookings as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("bookings/", views.booking_list, name="bookings"),
    path("bookings/free/", views.free_search, name="free_resources"),
    path("bookings/feed/", views.feed_manage, name="feed_manage"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking"),
    path("bookings/<int:pk>/<slug:action>/", views.booking_action, name="booking_action"),
    path("resources/<int:pk>/calendar/", views.calendar, name="booking_calendar"),
    path("resources/<int:pk>/book/", views.book, name="booking_new"),
    path("resources/<int:pk>/hours/", views.resource_hours, name="resource_hours"),
    path("resources/<int:pk>/busy.ics", views.resource_feed, name="resource_feed"),
    # The secret key travels in the query string, which access logs leave out.
    path("feeds/my-bookings.ics", views.user_feed, name="user_feed"),
]
api_urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "sharing/resources/<int:pk>/availability/",
        api.AvailabilityApi.as_view(),
        name="availability",
    ),
    path("sharing/resources/<int:pk>/quote/", api.QuoteApi.as_view(), name="quote"),
    path("sharing/free-resources/", api.FreeResourcesApi.as_view(), name="free-resources"),
    path("sharing/bookings/", api.BookingListApi.as_view(), name="bookings"),
    path("sharing/bookings/<int:pk>/", api.BookingDetailApi.as_view(), name="booking"),
    path(
        "sharing/bookings/<int:pk>/approve/",
        api.BookingApproveApi.as_view(),
        name="booking-approve",
    ),
    path(
        "sharing/bookings/<int:pk>/reject/", api.BookingRejectApi.as_view(), name="booking-reject"
    ),
    path(
        "sharing/bookings/<int:pk>/cancel/", api.BookingCancelApi.as_view(), name="booking-cancel"
    ),
    path(
        "sharing/bookings/<int:pk>/no-show/",
        api.BookingNoShowApi.as_view(),
        name="booking-no-show",
    ),
    path(
        "sharing/bookings/<int:pk>/complete/",
        api.BookingCompleteApi.as_view(),
        name="booking-complete",
    ),
]
# A resource's busy times are public (no names); a personal feed is opened by its secret
# token instead of a session (calendar apps have none).
public_url_names: frozenset[str] = frozenset({"sharing:resource_feed", "sharing:user_feed"})
_BOOKERS = frozenset({Role.ENTERPRISE_MEMBER, Role.INSTITUTION_MEMBER})
navigation: list = [
    ("sharing:bookings", _("Bookings"), _BOOKERS, 70),
    ("sharing:free_resources", _("Free instruments"), _BOOKERS, 71),
]
