from django.urls import path
from django.utils.translation import gettext_lazy as _

from techbridge.organisations import api, views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_create, name="create"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/edit/", views.organisation_edit, name="edit"),
    path("<int:pk>/delete/", views.organisation_delete, name="delete"),
]

api_urlpatterns = [
    path("", api.OrganisationListApi.as_view(), name="api-list"),
    path("<int:pk>/", api.OrganisationDetailApi.as_view(), name="api-detail"),
]

public_url_names = frozenset(
    {
        "organisations:list",
        "organisations:detail",
        "organisations-api:api-list",
        "organisations-api:api-detail",
    }
)
navigation = [("organisations:list", _("Organisations"), None, 80)]
