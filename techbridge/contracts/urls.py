from django.urls import path
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.roles import MEMBER_ROLES, Role
from techbridge.contracts import api, views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="list"),
    path("new/", views.contract_create, name="create"),
    path("queue/", views.registrar_queue, name="queue"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/edit/", views.contract_edit, name="edit"),
    path("<int:pk>/<slug:action>/", views.contract_action, name="action"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
api_urlpatterns = [
    path("contracts/", api.ContractListApi.as_view(), name="list"),
    path("contracts/<int:pk>/", api.ContractDetailApi.as_view(), name="detail"),
    path("contracts/<int:pk>/submit/", api.ContractSubmitApi.as_view(), name="submit"),
    path("contracts/<int:pk>/register/", api.ContractRegisterApi.as_view(), name="register"),
    path("contracts/<int:pk>/return/", api.ContractReturnApi.as_view(), name="return"),
]

# Contracts are never public: parties, their brokers and registrars only.
public_url_names: frozenset[str] = frozenset()
navigation: list = [
    ("contracts:list", _("Contracts"), frozenset(MEMBER_ROLES | {Role.BUREAU_STAFF}), 50),
    ("contracts:queue", _("Registration queue"), frozenset({Role.BUREAU_STAFF}), 51),
]
