"""API tokens (issue 9 item 2): hashed, expiring, audited, and never a way around the staff
second factor or password expiry."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from techbridge.accounts import tokens
from techbridge.accounts.models import ApiToken, User
from techbridge.audit.models import AuditEvent, AuditEventType
from techbridge.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _api(key: str, path: str = "/api/v1/organisations/"):
    return Client().get(path, HTTP_AUTHORIZATION=f"Token {key}")


def test_a_member_token_works_is_stored_hashed_and_audited(personas) -> None:
    token, key = tokens.token_create(actor=personas.owner, name="ERP")
    assert key.startswith("tb_") and len(key) > 40
    row = ApiToken.objects.get(pk=token.pk)
    assert key not in {row.key_digest, row.prefix, row.name}
    assert row.key_digest == tokens.digest(key)
    assert row.expires_at <= timezone.now() + timedelta(days=90, seconds=5)
    assert _api(key).status_code == 200
    assert _api(key).status_code == 200
    events = list(
        AuditEvent.objects.filter(object_type="accounts.apitoken").values_list("event", flat=True)
    )
    assert AuditEventType.TOKEN_CREATE in events
    # Use is audited once per interval, not once per request.
    assert events.count(AuditEventType.TOKEN_USE) == 1


def test_expired_and_revoked_tokens_are_refused(personas) -> None:
    token, key = tokens.token_create(actor=personas.owner, name="ERP", days=1)
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=timezone.now() - timedelta(days=2),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    response = _api(key)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    token2, key2 = tokens.token_create(actor=personas.owner, name="ERP 2")
    tokens.token_revoke(actor=personas.owner, token=token2)
    assert _api(key2).status_code == 401
    assert AuditEvent.objects.filter(event=AuditEventType.TOKEN_REVOKE).count() == 1


def test_staff_token_without_second_factor_or_with_expired_password_reveals_nothing(
    personas, settings
) -> None:
    """The reproduction: a bureau account with no TOTP device and an expired password read
    an expert's phone number through the API with a token."""
    settings.STAFF_REQUIRE_TOTP = True
    staff = personas.staff
    now = timezone.now()
    # A token made without the second factor (as every token was before) is refused.
    legacy = ApiToken.objects.create(
        user=staff,
        name="old",
        prefix="tb_x",
        key_digest=tokens.digest("tb_legacy-key"),
        created_at=now,
        expires_at=now + timedelta(hours=1),
        second_factor=False,
    )
    assert legacy.pk
    assert _api("tb_legacy-key").status_code == 401
    # Staff cannot make one outside a verified session.
    with pytest.raises(PermissionDenied):
        tokens.token_create(actor=staff, name="no otp", second_factor=False)
    token, key = tokens.token_create(actor=staff, name="with otp", second_factor=True)
    assert token.expires_at <= now + timedelta(seconds=settings.SESSION_COOKIE_AGE + 5)
    assert _api(key).status_code == 200
    User.objects.filter(pk=staff.pk).update(
        password_changed_at=now - timedelta(days=settings.STAFF_PASSWORD_MAX_AGE_DAYS + 1)
    )
    response = _api(key)
    assert response.status_code == 401
    assert (
        "expired" in response.json()["error"]["message"].lower()
        or "过期" in response.json()["error"]["message"]
    )


def test_tokens_are_made_and_revoked_on_my_account_page(personas, settings) -> None:
    settings.STAFF_REQUIRE_TOTP = True
    device = TOTPDevice.objects.create(user=personas.staff, name="app", confirmed=True)
    client = Client()
    client.post("/accounts/login/", {"username": "staff", "password": PASSWORD})
    # Before the second factor the token page is not reachable at all.
    assert "/accounts/otp/" in client.post("/accounts/me/tokens/new/", {"name": "x"})["Location"]
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    client.post("/accounts/otp/", {"token": f"{totp.token():06d}", "next": "/accounts/me/"})
    page = client.post("/accounts/me/tokens/new/", {"name": "统计系统", "days": "30"})
    assert page.status_code == 200
    key = page.context["key"]
    assert _api(key).status_code == 200
    me = client.get("/accounts/me/")
    assert me.status_code == 200 and "统计系统" in me.content.decode()
    assert key not in me.content.decode()
    token = ApiToken.objects.get(user=personas.staff)
    assert client.post(f"/accounts/me/tokens/{token.pk}/revoke/").status_code == 302
    assert _api(key).status_code == 401
    # Nobody revokes someone else's token.
    other, _key = tokens.token_create(actor=personas.owner, name="ERP")
    assert client.post(f"/accounts/me/tokens/{other.pk}/revoke/").status_code == 404
