"""Staff two-factor login (RELIABILITY.md case 6)."""

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from techbridge.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _require_totp(settings):
    settings.STAFF_REQUIRE_TOTP = True


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def _password_login(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_staff_without_totp_cannot_reach_staff_pages_until_set_up(personas) -> None:
    client = _password_login("staff")
    response = client.get("/admin/")
    assert response.status_code == 302 and "/accounts/otp/" in response["Location"]
    assert client.get("/api/v1/organisations/").status_code == 403
    # The verify page sends a user without a device to the setup page.
    assert client.get("/accounts/otp/")["Location"].endswith("/accounts/otp/setup/")
    setup = client.get("/accounts/otp/setup/")
    assert setup.status_code == 200
    device = TOTPDevice.objects.get(user=personas.staff)
    assert client.post("/accounts/otp/setup/", {"token": "000000"}).status_code == 200
    device.refresh_from_db()
    device.throttle_reset()  # a failure throttles the device for a moment; stand for waiting
    assert client.post("/accounts/otp/setup/", {"token": _code(device)}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_reused_code_is_refused(personas) -> None:
    device = TOTPDevice.objects.create(user=personas.staff, name="app", confirmed=True)
    first = _password_login("staff")
    code = _code(device)
    assert first.post("/accounts/otp/", {"token": code, "next": "/admin/"}).status_code == 302
    assert first.get("/admin/").status_code == 200
    second = _password_login("staff")
    response = second.post("/accounts/otp/", {"token": code, "next": "/admin/"})
    assert response.status_code == 200  # refused, form shown again
    assert second.get("/admin/").status_code == 302


def test_members_are_not_asked_for_a_code(personas) -> None:
    client = _password_login("owner")
    assert client.get("/accounts/me/").status_code == 200


def test_staff_with_expired_password_and_totp_changes_it_and_gets_in(personas, settings) -> None:
    """Issue 9 item 1: the expiry and two-factor gates used to send each other's pages back
    and forth (an endless redirect loop) — only visible with TOTP switched on."""
    from datetime import timedelta

    from django.utils import timezone

    from techbridge.accounts.models import User

    device = TOTPDevice.objects.create(user=personas.staff, name="app", confirmed=True)
    User.objects.filter(pk=personas.staff.pk).update(
        password_changed_at=timezone.now()
        - timedelta(days=settings.STAFF_PASSWORD_MAX_AGE_DAYS + 1)
    )
    client = _password_login("staff")
    # The password page is not reachable before the second factor: it asks for the code…
    response = client.get("/accounts/password/change/")
    assert response.status_code == 302 and "/accounts/otp/" in response["Location"]
    # …and the code page answers instead of bouncing back to the password page.
    assert client.get("/accounts/otp/").status_code == 200
    response = client.post("/accounts/otp/", {"token": _code(device), "next": "/organisations/"})
    assert response.status_code == 302
    response = client.get("/organisations/")
    assert response.status_code == 302 and response["Location"].endswith(
        "/accounts/password/change/"
    )
    assert client.get("/accounts/password/change/").status_code == 200
    new_password = "Neues-Passwort-2026-Tb!"
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password": new_password,
            "new_password_again": new_password,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.get("/organisations/").status_code == 200
