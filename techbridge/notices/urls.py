from django.urls import path
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.roles import ADMIN_ROLES, Role
from techbridge.notices import api, views

app_name = "notices"

urlpatterns = [
    path("received/", views.received, name="received"),
    path("sent/", views.sent, name="sent"),
    path("new/", views.compose, name="compose"),
    path("<int:pk>/", views.detail, name="detail"),
    path("robots/", views.robots, name="robots"),
    path("robots/<int:pk>/", views.robot_edit, name="robot_edit"),
    path("robots/<int:pk>/test/", views.robot_test, name="robot_test"),
]
api_urlpatterns = [
    path("notices/", api.NoticeListApi.as_view(), name="list"),
    path("notices/<int:pk>/", api.NoticeDetailApi.as_view(), name="detail"),
    path("notices/<int:pk>/read/", api.NoticeReadApi.as_view(), name="read"),
]

public_url_names: frozenset[str] = frozenset()
# Everyone who can be addressed (members, officers, staff) has a received list; the
# administrators (三员) handle no business mail.
navigation = [
    (
        "notices:received",
        _("Notices"),
        frozenset(set(Role.values) - set(ADMIN_ROLES) - {Role.VISITOR}),
        93,
    ),
    (
        "notices:sent",
        _("Sent notices"),
        frozenset({Role.BUREAU_STAFF, Role.DEPARTMENT_HANDLER}),
        94,
    ),
    (
        "notices:robots",
        _("Group robots"),
        frozenset({Role.BUREAU_STAFF, Role.SYSTEM_ADMIN}),
        96,
    ),
]
