from django.urls import path
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.roles import Role
from techbridge.chronicle import api, views

app_name = "chronicle"

urlpatterns = [
    path("", views.index, name="index"),
    path("p/<int:programme_id>/", views.timeline, name="timeline"),
    path("entries/new/", views.entry_create, name="entry_create"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("news/", views.news, name="news"),
    path("news/new/", views.article_compose, name="article_compose"),
    path("news/<int:pk>/", views.article, name="article"),
    path("news/<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("news/<int:pk>/status/", views.article_status, name="article_status"),
    path("news/<int:pk>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.import_review, name="import_review"),
    path(
        "imports/<int:pk>/proposals/<int:proposal_id>/",
        views.proposal_decide,
        name="proposal_decide",
    ),
]
api_urlpatterns = [
    path(
        "chronicle/programmes/<int:programme_id>/entries/",
        api.EntryListApi.as_view(),
        name="entries",
    ),
    path("chronicle/articles/", api.ArticleListApi.as_view(), name="articles"),
    path("chronicle/articles/<int:pk>/", api.ArticleDetailApi.as_view(), name="article"),
]

# The timeline and published news are public information; drafts answer 404 to others.
public_url_names: frozenset[str] = frozenset(
    {
        "chronicle:index",
        "chronicle:timeline",
        "chronicle:news",
        "chronicle:article",
        "chronicle:attachment",
    }
)
# Everyone reads the chronicle; the import page is for editors (bureau staff here; a
# programme's own staff reach it from the timeline).
navigation = [
    ("chronicle:index", _("Chronicle and news"), frozenset(Role.values) - {Role.VISITOR}, 97),
    ("chronicle:imports", _("Import a report"), frozenset({Role.BUREAU_STAFF}), 98),
]
