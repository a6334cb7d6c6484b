"""Sharing — resources, agreements, rates, qualifications: pages and API paths (merged in
urls/__init__.py; pages in namespace "sharing", API in "sharing-api")."""

from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.roles import Role
from techbridge.sharing.api import agreements as api
from techbridge.sharing.views import agreements as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("resources/", views.resource_list, name="resource_list"),
    path("resources/register/", views.resource_register, name="resource_register"),
    path("resources/<int:pk>/", views.resource_detail, name="resource"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("resources/<int:pk>/refresh/", views.resource_refresh, name="resource_refresh"),
    path("resources/<int:pk>/agreements/new/", views.agreement_create, name="agreement_new"),
    path("resources/<int:pk>/rates/new/", views.rate_create, name="rate_new"),
    path(
        "resources/<int:pk>/qualifications/new/",
        views.qualification_create,
        name="qualification_new",
    ),
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/new/", views.agreement_create_wide, name="agreement_new_wide"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/end/", views.agreement_end, name="agreement_end"),
    path("rates/<int:pk>/end/", views.rate_end, name="rate_end"),
    path("rates/export/", views.rates_export, name="rates_export"),
    path("rates/import/", views.rates_import, name="rates_import"),
    path(
        "qualifications/<int:pk>/revoke/",
        views.qualification_revoke,
        name="qualification_revoke",
    ),
]
api_urlpatterns: list[URLPattern | URLResolver] = [
    path("sharing/resources/", api.ResourceListApi.as_view(), name="resources"),
    path("sharing/resources/<int:pk>/", api.ResourceDetailApi.as_view(), name="resource"),
    path("sharing/agreements/", api.AgreementListApi.as_view(), name="agreements"),
    path("sharing/agreements/<int:pk>/", api.AgreementDetailApi.as_view(), name="agreement"),
    path("sharing/agreements/<int:pk>/end/", api.AgreementEndApi.as_view(), name="agreement-end"),
    path("sharing/rates/", api.RateListApi.as_view(), name="rates"),
    path("sharing/rates/<int:pk>/", api.RateDetailApi.as_view(), name="rate"),
    path("sharing/rates/<int:pk>/end/", api.RateEndApi.as_view(), name="rate-end"),
    path("sharing/qualifications/", api.QualificationListApi.as_view(), name="qualifications"),
    path(
        "sharing/qualifications/<int:pk>/revoke/",
        api.QualificationRevokeApi.as_view(),
        name="qualification-revoke",
    ),
]
# Nothing here is public: resources and fee standards are shown to signed-in users.
public_url_names: frozenset[str] = frozenset()
_MEMBERS = frozenset({Role.ENTERPRISE_MEMBER, Role.INSTITUTION_MEMBER, Role.BUREAU_STAFF})
navigation: list = [
    ("sharing:resource_list", _("Shared resources"), _MEMBERS, 68),
    (
        "sharing:agreements",
        _("Sharing agreements"),
        frozenset({Role.INSTITUTION_MEMBER, Role.BUREAU_STAFF, Role.BROKER}),
        69,
    ),
]
