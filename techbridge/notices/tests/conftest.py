"""A small world for notices: two government departments with handlers, two zones, three
projects (their companies are the personas' organisations) and a sender's helpers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from techbridge.accounts.models import User
from techbridge.accounts.roles import Role
from techbridge.core.testing import Personas, make_organisation, make_user
from techbridge.organisations.models import Organisation, OrganisationKind
from techbridge.projects.models import Batch, Project, Zone


@dataclass
class World:
    personas: Personas
    department: Organisation
    other_department: Organisation
    handler: User
    handler_colleague: User
    other_handler: User
    zone: Zone
    other_zone: Zone
    alpha: Project  # local company: personas.org (owner, colleague); zone; handler's
    beta: Project  # local company: personas.other_org (outsider); zone; other handler's
    gamma: Project  # local company: the institution (researcher); other zone; handler's

    @property
    def staff(self) -> User:
        return self.personas.staff


def _project(code: str, name: str, batch: Batch, **extra: Any) -> Project:
    return Project.objects.create(
        code=code,
        name=name,
        batch=batch,
        signed_on=dt.date(2014, 1, 10),
        investor_name="北京某投资公司",
        region_code="520100",
        total_investment=Decimal("100000000.00"),
        **extra,
    )


@pytest.fixture
def world(personas: Personas) -> World:
    department = make_organisation(
        "贵阳高新区投资促进局", OrganisationKind.GOVERNMENT, region_code="520100"
    )
    other = make_organisation("观山湖区发改局", OrganisationKind.GOVERNMENT, region_code="520115")
    handler = make_user("handler", Role.DEPARTMENT_HANDLER, department, display_name="王处长")
    colleague = make_user("handler2", Role.DEPARTMENT_HANDLER, department)
    other_handler = make_user("other_handler", Role.DEPARTMENT_HANDLER, other)
    zone = Zone.objects.create(name="贵阳国家高新区", region_code="520100")
    other_zone = Zone.objects.create(name="贵阳经济技术开发区", region_code="520100")
    batch = Batch.objects.create(name="首批京筑合作签约项目", signed_on=dt.date(2014, 1, 10))
    alpha = _project(
        "XM201400001",
        "光电产业园",
        batch,
        zone=zone,
        local_company=personas.org,
        responsible_department=department,
        responsible_officer=handler,
    )
    beta = _project(
        "XM201400002",
        "大数据中心",
        batch,
        zone=zone,
        local_company=personas.other_org,
        responsible_department=other,
        responsible_officer=other_handler,
    )
    gamma = _project(
        "XM201400003",
        "新材料中试基地",
        batch,
        zone=other_zone,
        local_company=personas.institution,
        responsible_department=department,
    )
    return World(
        personas=personas,
        department=department,
        other_department=other,
        handler=handler,
        handler_colleague=colleague,
        other_handler=other_handler,
        zone=zone,
        other_zone=other_zone,
        alpha=alpha,
        beta=beta,
        gamma=gamma,
    )
