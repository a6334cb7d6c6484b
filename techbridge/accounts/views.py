"""Login, logout, password change, own account page, and user administration for the
security administrator."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techbridge.accounts import otp, selectors, services, tokens
from techbridge.accounts.access import get_visible_or_404, role_required
from techbridge.accounts.forms import (
    AccountCreateForm,
    LinkSetPasswordForm,
    LoginForm,
    PasswordChangeForm,
)
from techbridge.accounts.models import ApiToken, User
from techbridge.accounts.roles import ADMIN_ROLES, Duty, Role
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.core.exceptions import TransitionError
from techbridge.core.forms import add_service_errors
from techbridge.core.masking import mask_email


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    template_name = "accounts/logged_out.html"


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_change_password(
                actor=request.user,
                user=request.user,  # type: ignore[arg-type]
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as exc:
            form.add_error("new_password", exc.messages)
        else:
            update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:me")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    device = otp.confirmed_device(request.user)
    if device is None:
        return redirect("accounts:otp_setup")
    landing = resolve_url(settings.LOGIN_REDIRECT_URL)
    next_url = request.POST.get("next") or request.GET.get("next") or landing
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = landing
    error = ""
    if request.method == "POST":
        if otp.verify(request, device, request.POST.get("token", "")):
            return redirect(next_url)
        error = _("The code is wrong or was already used. Wait for the next code and try again.")
    return render(request, "accounts/otp_verify.html", {"error": error, "next": next_url})


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    if otp.confirmed_device(request.user) is not None:
        return redirect("accounts:otp_verify")
    device = otp.pending_device(request.user)
    error = ""
    if request.method == "POST":
        if otp.verify(request, device, request.POST.get("token", "")):
            messages.success(request, _("Two-factor login is set up."))
            return redirect(settings.LOGIN_REDIRECT_URL)
        error = _("The code is wrong. Check the time on your device and try again.")
    return render(
        request,
        "accounts/otp_setup.html",
        {"secret": otp.secret_base32(device), "uri": device.config_url, "error": error},
    )


@login_required
def my_data_export(request: HttpRequest) -> HttpResponse:
    """PIPL: a person downloads the personal data the platform keeps about them."""
    user = request.user
    data = selectors.personal_data(user)
    audit_record(
        AuditEventType.EXPORT,
        actor=user,
        object_type="accounts.user",
        object_id=str(user.pk),
        detail={"what": "own data"},
    )
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = 'attachment; filename="techbridge-my-data.json"'
    return response


@login_required
def me(request: HttpRequest) -> HttpResponse:
    live = ApiToken.objects.filter(user_id=int(request.user.pk or 0), revoked_at__isnull=True)
    return render(
        request,
        "accounts/me.html",
        {"account": request.user, "tokens": live.order_by("-created_at")},
    )


@login_required
def token_create(request: HttpRequest) -> HttpResponse:
    """Make a personal API token; the key is shown on this one answer and never again."""
    if request.method != "POST":
        return redirect("accounts:me")
    days_text = request.POST.get("days", "").strip()
    try:
        days = int(days_text) if days_text else None
        token, key = tokens.token_create(
            actor=request.user,
            name=request.POST.get("name", ""),
            days=days,
            second_factor=bool(getattr(request.user, "is_verified", lambda: False)()),
        )
    except ValueError:
        messages.error(request, _("The lifetime must be a whole number of days."))
        return redirect("accounts:me")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:me")
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not make API tokens."))
        return redirect("accounts:me")
    return render(request, "accounts/token_created.html", {"token": token, "key": key})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's token: 404 like a missing one, but the probe is audited.
    mine = ApiToken.objects.filter(user_id=request.user.pk or 0)  # login_required: a pk
    token = get_visible_or_404(mine, pk, request.user)
    tokens.token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:me")


@role_required(Role.SECURITY_ADMIN)
def user_list(request: HttpRequest) -> HttpResponse:
    qs = User.objects.select_related("organisation").order_by("username")
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(username__icontains=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "q": q})


@role_required(Role.SECURITY_ADMIN)
def user_create(request: HttpRequest) -> HttpResponse:
    """Open an account. No password is shown to anybody: the person gets a single-use
    activation link by e-mail; an administrator account waits for a second
    administrator's approval first (ADR 0009)."""
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.user_create(
                actor=request.user,
                username=data["username"],
                role=Role(data["role"]),
                organisation=data["organisation"],
                email=data["email"],
                display_name=data["display_name"],
                duties=[Duty(d) for d in data["duties"]],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(
                request,
                "accounts/user_created.html",
                {"account": account, "email": mask_email(account.email)},
            )
    return render(request, "accounts/user_form.html", {"form": form})


@role_required(Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)
def approvals(request: HttpRequest) -> HttpResponse:
    """Administrator accounts opened by another administrator, waiting for approval."""
    pending = [
        u
        for u in User.objects.filter(
            role__in=[r.value for r in ADMIN_ROLES],
            approved_at__isnull=True,
            created_by__isnull=False,
        ).select_related("created_by")
    ]
    if request.method == "POST":
        account = get_object_or_404(User, pk=request.POST.get("account") or 0)
        try:
            services.user_approve(actor=request.user, user=account)
        except (TransitionError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Approved: the activation link has been sent to %(email)s.")
                % {"email": mask_email(account.email)},
            )
        return redirect("accounts:approvals")
    rows = [
        {"account": u, "email": mask_email(u.email), "mine": u.created_by_id == request.user.pk}
        for u in pending
    ]
    return render(request, "accounts/approvals.html", {"rows": rows})


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer whether or not the address is known (RELIABILITY 7)."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Activation and reset links both land here; the token is single-use."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = LinkSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@role_required(Role.SECURITY_ADMIN)
@require_POST
def user_toggle_active(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    if account.pk == request.user.pk:
        messages.error(request, _("You cannot deactivate your own account."))
    else:
        try:
            services.user_set_active(actor=request.user, user=account, active=not account.is_active)
        except TransitionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Account updated."))
    return redirect("accounts:users")
