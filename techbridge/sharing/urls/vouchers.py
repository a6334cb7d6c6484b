"""Sharing — innovation vouchers: pages under /sharing/vouchers/ and API paths under
/api/v1/sharing/ (merged in urls/__init__.py). Nothing here is public."""

from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.roles import Role
from techbridge.sharing.api import vouchers as api
from techbridge.sharing.views import vouchers as views

P = "vouchers/programmes/<int:pk>/"
A = "vouchers/applications/<int:pk>/"
C = "vouchers/claims/<int:pk>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("vouchers/", views.my_vouchers, name="vouchers"),
    path("vouchers/<int:pk>/", views.voucher_detail, name="voucher"),
    path("vouchers/programmes/", views.programme_list, name="voucher_programmes"),
    path("vouchers/programmes/new/", views.programme_new, name="voucher_programme_new"),
    path(P, views.programme_detail, name="voucher_programme"),
    path(P + "edit/", views.programme_edit, name="voucher_programme_edit"),
    path(P + "open/", views.programme_open, name="voucher_programme_open"),
    path(P + "close/", views.programme_close, name="voucher_programme_close"),
    path(P + "apply/", views.apply, name="voucher_apply"),
    path("vouchers/applications/", views.application_queue, name="voucher_applications"),
    path(A, views.application_detail, name="voucher_application"),
    path(A + "approve/", views.application_approve, name="voucher_application_approve"),
    path(A + "reject/", views.application_reject, name="voucher_application_reject"),
    path("vouchers/claims/", views.claim_list, name="voucher_claims"),
    path("vouchers/claims/queue/", views.claim_queue, name="voucher_claim_queue"),
    path("vouchers/claims/new/", views.claim_new, name="voucher_claim_new"),
    path(C, views.claim_detail, name="voucher_claim"),
    path(C + "approve/", views.claim_approve, name="voucher_claim_approve"),
    path(C + "reject/", views.claim_reject, name="voucher_claim_reject"),
    path(C + "pay/", views.claim_pay, name="voucher_claim_pay"),
]

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("sharing/voucher-programmes/", api.ProgrammeListApi.as_view(), name="voucher-programmes"),
    path(
        "sharing/voucher-programmes/<int:pk>/",
        api.ProgrammeDetailApi.as_view(),
        name="voucher-programme",
    ),
    path(
        "sharing/voucher-programmes/<int:pk>/open/",
        api.ProgrammeOpenApi.as_view(),
        name="voucher-programme-open",
    ),
    path(
        "sharing/voucher-programmes/<int:pk>/close/",
        api.ProgrammeCloseApi.as_view(),
        name="voucher-programme-close",
    ),
    path(
        "sharing/voucher-applications/",
        api.ApplicationListApi.as_view(),
        name="voucher-applications",
    ),
    path(
        "sharing/voucher-applications/<int:pk>/",
        api.ApplicationDetailApi.as_view(),
        name="voucher-application",
    ),
    path(
        "sharing/voucher-applications/<int:pk>/approve/",
        api.ApplicationApproveApi.as_view(),
        name="voucher-application-approve",
    ),
    path(
        "sharing/voucher-applications/<int:pk>/reject/",
        api.ApplicationRejectApi.as_view(),
        name="voucher-application-reject",
    ),
    path("sharing/vouchers/", api.VoucherListApi.as_view(), name="vouchers"),
    path("sharing/vouchers/<int:pk>/", api.VoucherDetailApi.as_view(), name="voucher"),
    path(
        "sharing/voucher-redemptions/claimable/",
        api.ClaimableRedemptionsApi.as_view(),
        name="voucher-claimable",
    ),
    path("sharing/voucher-claims/", api.ClaimListApi.as_view(), name="voucher-claims"),
    path("sharing/voucher-claims/<int:pk>/", api.ClaimDetailApi.as_view(), name="voucher-claim"),
    path(
        "sharing/voucher-claims/<int:pk>/approve/",
        api.ClaimApproveApi.as_view(),
        name="voucher-claim-approve",
    ),
    path(
        "sharing/voucher-claims/<int:pk>/reject/",
        api.ClaimRejectApi.as_view(),
        name="voucher-claim-reject",
    ),
    path(
        "sharing/voucher-claims/<int:pk>/pay/", api.ClaimPayApi.as_view(), name="voucher-claim-pay"
    ),
]

public_url_names: frozenset[str] = frozenset()

# Providers are members of any organisation that runs or owns a shared resource.
navigation: list = [
    ("sharing:vouchers", _("My vouchers"), frozenset({Role.ENTERPRISE_MEMBER}), 74),
    # Enterprises browse the open programmes to apply; bureau staff run them.
    (
        "sharing:voucher_programmes",
        _("Voucher programmes"),
        frozenset({Role.BUREAU_STAFF, Role.ENTERPRISE_MEMBER}),
        74,
    ),
    ("sharing:voucher_claims", _("Voucher claims"), views.CLAIM_PAGE_ROLES, 75),
]
