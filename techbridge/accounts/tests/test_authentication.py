"""Login security from RELIABILITY.md: lockout, sessions, passwords, deactivation, CSRF."""

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from techbridge.accounts.models import User
from techbridge.accounts.roles import Role
from techbridge.accounts.services import user_set_active
from techbridge.audit.models import AuditEvent
from techbridge.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str, **extra: str):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def test_five_failures_lock_the_account_even_with_rotating_forwarded_for(personas) -> None:
    client = Client()
    statuses = [
        _login(client, "owner", "wrong-password", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code
        for i in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    # The right password now fails: locked, whatever address the client claims.
    response = _login(client, "owner", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(event="lockout", object_repr="owner").exists()
    # Other accounts are unaffected.
    other = Client()
    assert _login(other, "colleague", PASSWORD).status_code == 302
    assert other.session["_auth_user_id"] == str(personas.colleague.pk)


def test_a_lockout_from_one_address_does_not_lock_the_owner_out_elsewhere(personas) -> None:
    """Issue 9 item 6: lockout by user name alone let anyone keep ``secadmin`` locked out."""
    attacker = Client(REMOTE_ADDR="203.0.113.50")
    for _i in range(5):
        _login(attacker, "secadmin", "wrong-password")
    assert _login(attacker, "secadmin", PASSWORD).status_code == 429
    owner = Client(REMOTE_ADDR="198.51.100.20")
    assert _login(owner, "secadmin", PASSWORD).status_code == 302


def test_an_account_takes_a_limited_number_of_failures_an_hour_from_all_addresses(
    personas, settings
) -> None:
    settings.LOGIN_FAILURES_PER_HOUR = 12
    for i in range(12):
        _login(Client(REMOTE_ADDR=f"203.0.113.{i + 1}"), "owner", "wrong-password")
    response = _login(Client(REMOTE_ADDR="198.51.100.99"), "owner", PASSWORD)
    assert response.status_code == 200
    body = response.content.decode()
    assert "too many failed logins" in body or "失败" in body
    assert _login(Client(REMOTE_ADDR="198.51.100.99"), "colleague", PASSWORD).status_code == 302


def test_the_audit_address_is_the_client_behind_a_trusted_proxy_only(personas, settings) -> None:
    from ipaddress import ip_network

    def last_login_address() -> str:
        return str(AuditEvent.objects.filter(event="login").order_by("-id")[0].source_address)

    _login(Client(REMOTE_ADDR="127.0.0.1"), "owner", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert last_login_address() == "127.0.0.1"  # no trusted proxy: the header is ignored
    settings.TRUSTED_PROXIES = [ip_network("127.0.0.1/32")]
    _login(
        Client(REMOTE_ADDR="127.0.0.1"),
        "owner",
        PASSWORD,
        HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.9",
    )
    assert last_login_address() == "203.0.113.9"  # the right-most untrusted hop
    # A client that is not our proxy cannot claim another address.
    _login(Client(REMOTE_ADDR="198.51.100.3"), "owner", PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert last_login_address() == "198.51.100.3"


def test_session_key_changes_at_login_and_old_cookie_is_refused_after_logout(personas) -> None:
    client = Client()
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    assert _login(client, "owner", PASSWORD).status_code == 302
    after = client.session.session_key
    assert after and after != before
    client.post("/accounts/logout/")
    stale = Client()
    stale.cookies["sessionid"] = after
    response = stale.get("/accounts/me/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_idle_session_is_logged_out(personas, settings) -> None:
    client = personas.client_for(personas.owner)
    assert client.get("/accounts/me/").status_code == 200
    session = client.session
    session["_last_seen"] = time.time() - settings.SESSION_IDLE_SECONDS - 5
    session.save()
    response = client.get("/accounts/me/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert AuditEvent.objects.filter(event="session_expired", actor=personas.owner).exists()


def test_absolute_session_limit_applies_even_when_active(personas, settings) -> None:
    client = personas.client_for(personas.owner)
    client.get("/accounts/me/")
    session = client.session
    session["_auth_at"] = time.time() - settings.SESSION_COOKIE_AGE - 5
    session["_last_seen"] = time.time()
    session.save()
    assert client.get("/accounts/me/").status_code == 302


def test_deactivated_account_cannot_log_in_and_its_session_dies(personas) -> None:
    client = personas.client_for(personas.outsider)
    assert client.get("/accounts/me/").status_code == 200
    user_set_active(actor=personas.security_admin, user=personas.outsider, active=False)
    assert client.get("/accounts/me/").status_code == 302
    assert _login(Client(), "outsider", PASSWORD).status_code == 200


def test_post_without_csrf_token_is_refused(personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.staff)
    response = client.post(f"/organisations/{personas.org.pk}/delete/")
    assert response.status_code == 403
    assert response.context is None or "request_id" in response.context


@pytest.mark.parametrize(
    ("password", "role", "fragment"),
    [
        ("short1A", Role.ENTERPRISE_MEMBER, "too short"),
        ("alllowercaseletters", Role.ENTERPRISE_MEMBER, "at least 3"),
        ("Abcdefgh12", Role.BUREAU_STAFF, "12 characters"),
        ("Password1", Role.ENTERPRISE_MEMBER, "too common"),
    ],
)
def test_weak_passwords_are_refused_with_a_specific_message(password, role, fragment) -> None:
    user = User(username="someone", role=role)
    with pytest.raises(ValidationError) as info:
        validate_password(password, user)
    assert fragment in " ".join(info.value.messages)


@pytest.mark.parametrize(
    ("password", "username"),
    [("Passw0rd!", "someone"), ("qwertyuiop1A", "someone"), ("ent2ent2Ent2", "ent2")],
)
def test_guessable_passwords_that_pass_the_class_rules_are_refused(password, username) -> None:
    """Issue 9 item 6: these were accepted."""
    user = User(username=username, role=Role.ENTERPRISE_MEMBER)
    with pytest.raises(ValidationError) as info:
        validate_password(password, user)
    assert any(e.code == "password_guessable" for e in info.value.error_list)


def test_name_like_password_is_refused() -> None:
    user = User(username="zhangwei2026", role=Role.ENTERPRISE_MEMBER)
    with pytest.raises(ValidationError):
        validate_password("Zhangwei2026", user)


def test_long_unicode_password_is_accepted() -> None:
    password = ("技术转移平台的密码可以很长" * 5)[:60] + "Ab1-"
    assert len(password) == 64
    validate_password(password, User(username="someone", role=Role.BUREAU_STAFF))


def test_expired_staff_password_must_be_changed_first(personas, settings) -> None:
    from datetime import timedelta

    from django.utils import timezone

    User.objects.filter(pk=personas.staff.pk).update(
        password_changed_at=timezone.now()
        - timedelta(days=settings.STAFF_PASSWORD_MAX_AGE_DAYS + 1)
    )
    client = Client()
    client.force_login(User.objects.get(pk=personas.staff.pk))
    response = client.get("/organisations/")
    assert response.status_code == 302 and response["Location"].endswith(
        "/accounts/password/change/"
    )
    assert client.get("/accounts/password/change/").status_code == 200
