"""Personas for access-control tests, shared by every app.

``Personas`` builds two enterprises and an institution with members, a bureau staff member
with all duties, and the three administrators. Use the ``personas`` pytest fixture (see
techbridge/conftest.py) or subclass ``PersonaTestCase``:

    def test_outsider_cannot_see_draft(personas):
        personas.client_for(personas.outsider).get(url)  # → 404
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.test import Client, TestCase

from techbridge.accounts.models import User
from techbridge.accounts.roles import Role
from techbridge.organisations.models import Organisation, OrganisationKind, OrganisationStatus

PASSWORD = "Persona-Pass-2026!"


def make_organisation(
    name: str, kind: str = OrganisationKind.ENTERPRISE, **extra: Any
) -> Organisation:
    return Organisation.objects.create(
        name=name, kind=kind, status=extra.pop("status", OrganisationStatus.VERIFIED), **extra
    )


def make_user(
    username: str, role: Role, organisation: Organisation | None = None, **extra: Any
) -> User:
    user = User(username=username, role=role, organisation=organisation, **extra)
    if role in {Role.SYSTEM_ADMIN, Role.BUREAU_STAFF}:
        user.is_staff = True
    user.set_password(PASSWORD)
    user.save()
    return user


@dataclass
class Personas:
    org: Organisation
    other_org: Organisation
    institution: Organisation
    bureau: Organisation
    owner: User
    colleague: User
    outsider: User
    researcher: User
    staff: User
    system_admin: User
    security_admin: User
    audit_admin: User
    _clients: dict[int, Client] = field(default_factory=dict)

    @classmethod
    def create(cls) -> Personas:
        org = make_organisation("甲企业 Alpha Co.", region_code="520100")
        other = make_organisation("乙企业 Beta Co.", region_code="520100")
        inst = make_organisation(
            "丙研究院 Gamma Institute", OrganisationKind.RESEARCH_INSTITUTE, region_code="110000"
        )
        bureau = make_organisation(
            "科技局 Bureau", OrganisationKind.GOVERNMENT, region_code="520100"
        )
        return cls(
            org=org,
            other_org=other,
            institution=inst,
            bureau=bureau,
            owner=make_user("owner", Role.ENTERPRISE_MEMBER, org),
            colleague=make_user("colleague", Role.ENTERPRISE_MEMBER, org),
            outsider=make_user("outsider", Role.ENTERPRISE_MEMBER, other),
            researcher=make_user("researcher", Role.INSTITUTION_MEMBER, inst),
            staff=make_user(
                "staff",
                Role.BUREAU_STAFF,
                bureau,
                is_reviewer=True,
                is_registrar=True,
                is_statistician=True,
            ),
            system_admin=make_user("sysadmin", Role.SYSTEM_ADMIN),
            security_admin=make_user("secadmin", Role.SECURITY_ADMIN),
            audit_admin=make_user("auditadmin", Role.AUDIT_ADMIN),
        )

    def client_for(self, user: User | None) -> Client:
        """A logged-in test client (anonymous for None), cached per user."""
        key = user.pk if user is not None else 0
        if key not in self._clients:
            client = Client()
            if user is not None:
                client.force_login(user)
            self._clients[key] = client
        return self._clients[key]

    @property
    def anonymous(self) -> Client:
        return self.client_for(None)

    def otp_client_for(self, user: User) -> Client:
        """A logged-in client whose session has passed the second factor (a confirmed TOTP
        device), so staff pages answer even with STAFF_REQUIRE_TOTP on. Not cached."""
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client


class PersonaTestCase(TestCase):
    personas: Personas

    @classmethod
    def setUpTestData(cls) -> None:
        cls.personas = Personas.create()

    def setUp(self) -> None:
        self.personas._clients = {}
