"""URL map. Public pages are listed in techbridge.core.public_urls; everything else
requires login (a test walks the resolver to prove it)."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from techbridge.brokerage.urls import api_urlpatterns as brokerage_api
from techbridge.catalogue.urls import api_urlpatterns as catalogue_api
from techbridge.chronicle.urls import api_urlpatterns as chronicle_api
from techbridge.codes.urls import api_urlpatterns as codes_api
from techbridge.contracts.urls import api_urlpatterns as contracts_api
from techbridge.cultivation.urls import api_urlpatterns as cultivation_api
from techbridge.matching.urls import api_urlpatterns as matching_api
from techbridge.notices.urls import api_urlpatterns as notices_api
from techbridge.notifications.urls import api_urlpatterns as notifications_api
from techbridge.organisations.urls import api_urlpatterns as organisations_api
from techbridge.programmes.urls import api_urlpatterns as programmes_api
from techbridge.projects.urls import api_urlpatterns as projects_api
from techbridge.search.urls import api_urlpatterns as search_api
from techbridge.sharing.urls import api_urlpatterns as sharing_api
from techbridge.stats.urls import api_urlpatterns as stats_api
from techbridge.supervision.urls import api_urlpatterns as supervision_api

api_v1: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(api_version="1"), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("organisations/", include((organisations_api, "organisations-api"))),
    path("codes/", include((codes_api, "codes-api"))),
    # Each app's API is mounted at the root of /api/v1/ and names its own paths, so the
    # URLs the issues specify (/api/v1/search, /api/v1/demands/{id}/matches, …) stay flat.
    path("", include((catalogue_api, "catalogue-api"))),
    path("", include((search_api, "search-api"))),
    path("", include((matching_api, "matching-api"))),
    path("", include((contracts_api, "contracts-api"))),
    path("", include((stats_api, "stats-api"))),
    path("", include((notifications_api, "notifications-api"))),
    path("", include((brokerage_api, "brokerage-api"))),
    path("", include((sharing_api, "sharing-api"))),
    path("", include((projects_api, "projects-api"))),
    path("", include((supervision_api, "supervision-api"))),
    path("", include((notices_api, "notices-api"))),
    path("", include((programmes_api, "programmes-api"))),
    path("", include((cultivation_api, "cultivation-api"))),
    path("", include((chronicle_api, "chronicle-api"))),
]

urlpatterns = [
    path("", include("techbridge.core.urls")),
    path("accounts/", include("techbridge.accounts.urls")),
    path("organisations/", include("techbridge.organisations.urls")),
    path("audit/", include("techbridge.audit.urls")),
    path("catalogue/", include("techbridge.catalogue.urls")),
    path("search/", include("techbridge.search.urls")),
    path("matching/", include("techbridge.matching.urls")),
    path("contracts/", include("techbridge.contracts.urls")),
    path("stats/", include("techbridge.stats.urls")),
    path("notifications/", include("techbridge.notifications.urls")),
    path("jobs/", include("techbridge.jobs.urls")),
    path("brokerage/", include("techbridge.brokerage.urls")),
    path("sharing/", include("techbridge.sharing.urls")),
    path("projects/", include("techbridge.projects.urls")),
    path("supervision/", include("techbridge.supervision.urls")),
    path("notices/", include("techbridge.notices.urls")),
    path("programmes/", include("techbridge.programmes.urls")),
    path("cultivation/", include("techbridge.cultivation.urls")),
    path("chronicle/", include("techbridge.chronicle.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
]

handler400 = "techbridge.core.views.bad_request"
handler403 = "techbridge.core.views.permission_denied"
handler404 = "techbridge.core.views.page_not_found"
handler500 = "techbridge.core.views.server_error"
