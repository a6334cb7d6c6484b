from django.urls import path
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.roles import Role
from techbridge.cultivation import api, views

app_name = "cultivation"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("enterprises/", views.enterprises, name="enterprises"),
    path("enterprises/<int:pk>/", views.enterprise, name="enterprise"),
    path("enterprises/<int:pk>/figures/<int:year>/", views.figures_edit, name="figures"),
    path("enterprises/<int:pk>/record/", views.record_new, name="record_new"),
    path("register/", views.register, name="register"),
    path("records/<int:pk>/", views.record, name="record"),
    path("records/<int:pk>/revoke/", views.record_revoke, name="revoke"),
    path("records/<int:pk>/attach/", views.record_attach, name="attach"),
    path(
        "records/<int:pk>/files/<int:attachment_id>/",
        views.record_attachment,
        name="attachment",
    ),
    path("cohorts/", views.cohorts, name="cohorts"),
]
api_urlpatterns = [
    path(
        "cultivation/organisations/<int:pk>/tiers/",
        api.TierListApi.as_view(),
        name="tiers",
    ),
    path("cultivation/self-check/", api.SelfCheckApi.as_view(), name="self-check"),
]

public_url_names: frozenset[str] = frozenset()
# An enterprise sees its own tiers and self-check; bureau staff keep the register and
# read the cohorts. Nobody else has an entry (deny by default).
navigation = [
    ("cultivation:mine", _("My cultivation tiers"), frozenset({Role.ENTERPRISE_MEMBER}), 82),
    ("cultivation:register", _("Tier register"), frozenset({Role.BUREAU_STAFF}), 83),
    ("cultivation:cohorts", _("Cultivation cohorts"), frozenset({Role.BUREAU_STAFF}), 84),
]
