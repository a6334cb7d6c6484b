from django.urls import path
from django.utils.translation import gettext_lazy as _

from techbridge.programmes import api, views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_edit, name="create"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/edit/", views.programme_edit, name="edit"),
    path("<int:pk>/targets/", views.targets, name="targets"),
    path("<int:pk>/links/", views.links, name="links"),
    path("<int:pk>/figures/<slug:metric>/", views.figure_records, name="records"),
    path("<int:pk>/report.xlsx", views.report_export, name="export"),
]
api_urlpatterns = [
    path("programmes/", api.ProgrammeListApi.as_view(), name="list"),
    path("programmes/<int:pk>/dashboard/", api.ProgrammeDashboardApi.as_view(), name="dashboard"),
]

public_url_names: frozenset[str] = frozenset()
# Bureau staff run the programmes; station staff and brokers see the programmes of their
# stations (programmes.selectors.programmes_visible_to).
navigation = [
    (
        "programmes:list",
        _("Cooperation programmes"),
        frozenset(views.LIST_ROLES),
        80,
    ),
]
