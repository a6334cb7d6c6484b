from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.roles import Duty, Role
from techbridge.organisations.models import Organisation


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("User name or password is wrong. Note that both are case-sensitive."),
        "inactive": _("This account is deactivated."),
        "too_many": _(
            "This account has had too many failed logins in the last hour. Try again later "
            "or reset your password."
        ),
    }

    def clean(self) -> dict[str, Any]:
        # The per-address lockout (axes) cannot stop an attacker who spreads guesses over
        # many addresses; the per-account hourly cap (ASVS 2.2.1) does. It counts failures
        # for the name whether or not an account has it, so it tells nothing about which
        # names exist.
        from techbridge.accounts.selectors import recent_login_failures

        username = self.cleaned_data.get("username") or ""
        if username and recent_login_failures(username) >= settings.LOGIN_FAILURES_PER_HOUR:
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many")
        return super().clean()


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"), widget=forms.PasswordInput, strip=False
    )
    new_password = forms.CharField(
        label=_("New password"), widget=forms.PasswordInput, strip=False, max_length=256
    )
    new_password_again = forms.CharField(
        label=_("New password again"), widget=forms.PasswordInput, strip=False
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_old_password(self) -> str:
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("The current password is wrong."))
        return str(value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords differ."))
        if data.get("new_password") and data.get("new_password") == data.get("old_password"):
            self.add_error("new_password", _("The new password must differ from the current one."))
        return data


class LinkSetPasswordForm(SetPasswordForm):
    """The password a person sets from an activation or reset link, through the service
    (role rules, password age, audit row)."""

    def save(self, commit: bool = True) -> Any:
        from techbridge.accounts.services import user_set_password_by_link

        return user_set_password_by_link(
            user=self.user, new_password=self.cleaned_data["new_password1"]
        )


class AccountCreateForm(forms.Form):
    """What the security administrator fills in to open an account."""

    username = forms.CharField(label=_("User name"), max_length=150)
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("The activation link goes to this address; nobody else sees a password."),
    )
    role = forms.ChoiceField(label=_("Role"))
    organisation: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),  # set per form, so it is always current
        required=False,
    )
    duties = forms.MultipleChoiceField(
        label=_("Duties (bureau staff)"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = Role.choices  # type: ignore[attr-defined]
        self.fields["duties"].choices = Duty.choices  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]
