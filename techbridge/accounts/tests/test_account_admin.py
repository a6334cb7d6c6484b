"""The security administrator opens and deactivates accounts; nobody else can."""

import re

import pytest
from django.test import Client

from techbridge.accounts.models import User
from techbridge.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _link_from(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/password/set/[^\s]+/)", message.body)
    assert match is not None, message.body
    return match.group(1)


def test_security_admin_opens_an_account_the_person_activates(
    personas, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    client = personas.client_for(personas.security_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/users/new/",
            {
                "username": "new-member",
                "role": "enterprise_member",
                "organisation": personas.org.pk,
                "display_name": "新用户",
                "email": "new.member@example.cn",
            },
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="activation-sent"' in body
    account = User.objects.get(username="new-member")
    # Nobody but the person ever knows a password: none is shown or usable.
    assert not account.has_usable_password()
    assert "initial-password" not in body
    assert account.organisation == personas.org and account.role == "enterprise_member"
    assert AuditEvent.objects.filter(
        event="create", object_id=str(account.pk), actor=personas.security_admin
    ).exists()
    assert [m.to for m in mailoutbox] == [["new.member@example.cn"]]
    link = _link_from(mailoutbox[0])
    person = Client()
    form = person.get(link, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    new_password = "Mein-eigenes-Passwort-2026"
    done = person.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    login = Client().post("/accounts/login/", {"username": "new-member", "password": new_password})
    assert login.status_code == 302
    # The link works once.
    again = Client().get(link, follow=True)
    assert not again.context["validlink"]


def test_an_administrator_account_needs_a_second_administrator(
    personas, mailoutbox, settings, django_capture_on_commit_callbacks
) -> None:
    """Issue 9 item 3: the security administrator opened a system_admin account, saw its
    password, logged in as it and so held two of the three roles."""
    sec = personas.client_for(personas.security_admin)
    response = sec.post(
        "/accounts/users/new/",
        {"username": "sys2", "role": "system_admin", "email": "sys2@example.cn"},
    )
    assert response.status_code == 200
    assert 'data-testid="awaits-approval"' in response.content.decode()
    account = User.objects.get(username="sys2")
    assert not account.is_active and account.awaits_approval
    assert not account.has_usable_password()
    assert mailoutbox == []
    # The opener can neither switch it on nor approve it.
    sec.post(f"/accounts/users/{account.pk}/toggle-active/")
    account.refresh_from_db()
    assert not account.is_active
    with django_capture_on_commit_callbacks(execute=True):
        sec.post("/accounts/approvals/", {"account": account.pk})
    account.refresh_from_db()
    assert not account.is_active and mailoutbox == []
    # A second administrator approves; only then the person gets the link.
    other = personas.client_for(personas.system_admin)
    page = other.get("/accounts/approvals/")
    assert page.status_code == 200 and "sys2" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        other.post("/accounts/approvals/", {"account": account.pk})
    account.refresh_from_db()
    assert account.is_active and account.approved_by == personas.system_admin
    assert [m.to for m in mailoutbox] == [["sys2@example.cn"]]
    assert AuditEvent.objects.filter(event="approval", object_id=str(account.pk)).exists()
    # Members and the audit administrator cannot approve.
    for user in (personas.owner, personas.audit_admin, personas.staff):
        assert personas.client_for(user).get("/accounts/approvals/").status_code == 403


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(
    personas, mailoutbox
) -> None:
    User.objects.filter(pk=personas.owner.pk).update(email="owner@example.cn")
    known = Client().post("/accounts/password/reset/", {"email": "owner@example.cn"}, follow=True)
    unknown = Client().post(
        "/accounts/password/reset/", {"email": "nobody@example.cn"}, follow=True
    )
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert 'data-testid="reset-sent"' in known.content.decode()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["owner@example.cn"]
    link = _link_from(mailoutbox[0])
    person = Client()
    form = person.get(link, follow=True)
    target = form.redirect_chain[-1][0]
    new_password = "Ein-neues-Passwort-2026"
    weak = person.post(target, {"new_password1": "Passw0rd!", "new_password2": "Passw0rd!"})
    assert weak.status_code == 200 and weak.context["form"].errors
    assert (
        person.post(
            target, {"new_password1": new_password, "new_password2": new_password}
        ).status_code
        == 302
    )
    assert (
        Client()
        .post("/accounts/login/", {"username": "owner", "password": new_password})
        .status_code
        == 302
    )
    # Single use: the same link no longer sets a password.
    assert not Client().get(link, follow=True).context["validlink"]
    assert AuditEvent.objects.filter(
        event="password_reset", object_id=str(personas.owner.pk)
    ).exists()


def test_member_without_organisation_is_refused_with_a_field_message(personas) -> None:
    client = personas.client_for(personas.security_admin)
    response = client.post(
        "/accounts/users/new/", {"username": "x1", "role": "broker", "email": "x1@example.cn"}
    )
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
