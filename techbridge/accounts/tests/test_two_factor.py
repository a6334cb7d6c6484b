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
