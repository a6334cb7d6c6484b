"""The security administrator opens and deactivates accounts; nobody else can."""

import re

import pytest
from django.test import Client

from techbridge.accounts.models import User
from techbridge.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_security_admin_opens_an_account_that_can_log_in(personas) -> None:
    client = personas.client_for(personas.security_admin)
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "new-member",
            "role": "enterprise_member",
            "organisation": personas.org.pk,
            "display_name": "新用户",
        },
    )
    assert response.status_code == 200
    password = re.search(r'data-testid="initial-password">([^<]+)<', response.content.decode())
    assert password is not None
    account = User.objects.get(username="new-member")
    assert account.organisation == personas.org and account.role == "enterprise_member"
    assert AuditEvent.objects.filter(
        event="create", object_id=str(account.pk), actor=personas.security_admin
    ).exists()
    login = Client().post(
        "/accounts/login/", {"username": "new-member", "password": password.group(1)}
    )
    assert login.status_code == 302


def test_member_without_organisation_is_refused_with_a_field_message(personas) -> None:
    client = personas.client_for(personas.security_admin)
    response = client.post("/accounts/users/new/", {"username": "x1", "role": "broker"})
    assert response.status_code == 200
    assert not User.objects.filter(username="x1").exists()
    assert "organisation" in response.context["form"].errors


def test_other_roles_cannot_open_accounts(personas) -> None:
    for user in (personas.staff, personas.system_admin, personas.audit_admin, personas.owner):
        response = personas.client_for(user).post(
            "/accounts/users/new/", {"username": "sneaky", "role": "system_admin"}
        )
        assert response.status_code == 403
    assert personas.anonymous.get("/accounts/users/new/").status_code == 302
    assert not User.objects.filter(username="sneaky").exists()


def test_a_person_downloads_their_own_data_without_secrets(personas) -> None:
    client = Client()
    client.post("/accounts/login/", {"username": "owner", "password": "Persona-Pass-2026!"})
    response = client.get("/accounts/me/export/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = response.json()
    assert data["account"]["username"] == "owner"
    assert any(a["event"] == "login" for a in data["activity"])
    body = response.content.decode()
    assert '"password"' not in body and personas.owner.password not in body
    assert AuditEvent.objects.filter(event="export", actor=personas.owner).exists()
    assert personas.anonymous.get("/accounts/me/export/").status_code == 302
