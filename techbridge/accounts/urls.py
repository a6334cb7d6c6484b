from django.urls import path
from django.utils.translation import gettext_lazy as _

from techbridge.accounts import views
from techbridge.accounts.roles import Role

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/change/", views.password_change, name="password_change"),
    path("me/", views.me, name="me"),
    path("me/export/", views.my_data_export, name="my_data_export"),
    path("me/tokens/new/", views.token_create, name="token_create"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("otp/", views.otp_verify, name="otp_verify"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path(
        "password/set/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/set/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("users/", views.user_list, name="users"),
    path("approvals/", views.approvals, name="approvals"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/toggle-active/", views.user_toggle_active, name="user_toggle_active"),
]

public_url_names = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
    }
)
navigation = [
    ("accounts:users", _("Accounts"), frozenset({Role.SECURITY_ADMIN}), 90),
    (
        "accounts:approvals",
        _("Account approvals"),
        frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN}),
        91,
    ),
]
