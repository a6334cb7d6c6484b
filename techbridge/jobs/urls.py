from django.urls import path
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.roles import Role
from techbridge.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<int:pk>/retry/", views.retry, name="retry"),
    path("retry-failed/", views.retry_all, name="retry_all"),
]

public_url_names: frozenset[str] = frozenset()
navigation = [("jobs:dashboard", _("Job queue"), frozenset({Role.SYSTEM_ADMIN}), 92)]
