from django.urls import path
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.roles import Role
from techbridge.notifications import api, views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("read-all/", views.mark_all_read, name="read_all"),
]
api_urlpatterns = [
    path("notifications/", api.NotificationListApi.as_view(), name="list"),
]

public_url_names: frozenset[str] = frozenset()
# Every logged-in user (any role), never anonymous visitors.
navigation = [("notifications:inbox", _("Inbox"), frozenset(Role.values), 95)]
