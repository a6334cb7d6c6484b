"""Fixtures for ledger tests: code lists, a government department with a handler, zones,
a batch, and a project factory that goes through the services like a user would."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from techbridge.accounts.models import User
from techbridge.accounts.roles import Role
from techbridge.codes.services import load_code_lists
from techbridge.core.testing import Personas, make_organisation, make_user
from techbridge.organisations.models import Organisation, OrganisationKind
from techbridge.projects import services
from techbridge.projects.models import Batch, Project, Zone


@pytest.fixture
def codes(db: None) -> None:
    load_code_lists(only=["regions", "industries"])


@dataclass
class Ledger:
    personas: Personas
    department: Organisation
    other_department: Organisation
    handler: User
    other_handler: User
    zone: Zone
    other_zone: Zone
    batch: Batch

    @property
    def staff(self) -> User:
        return self.personas.staff


@pytest.fixture
def ledger(personas: Personas, codes: None) -> Ledger:
    department = make_organisation(
        "贵阳高新区投资促进局", OrganisationKind.GOVERNMENT, region_code="520100"
    )
    other = make_organisation("观山湖区发改局", OrganisationKind.GOVERNMENT, region_code="520115")
    handler = make_user("handler", Role.DEPARTMENT_HANDLER, department)
    other_handler = make_user("other_handler", Role.DEPARTMENT_HANDLER, other)
    zone = services.zone_create(actor=personas.staff, name="贵阳国家高新区", region_code="520100")
    other_zone = services.zone_create(
        actor=personas.staff, name="贵阳经济技术开发区", region_code="520100"
    )
    batch = services.batch_create(
        actor=personas.staff,
        name="首批京筑合作签约项目",
        signed_on=dt.date(2014, 1, 10),
        source_event="京筑创新驱动区域合作签约仪式",
    )
    return Ledger(personas, department, other, handler, other_handler, zone, other_zone, batch)


def project_data(ledger: Ledger, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "大数据灾备中心建设项目",
        "batch": ledger.batch,
        "investor_name": "北京某某数据科技有限公司",
        "local_company": ledger.personas.org,
        "region_code": "520100",
        "zone": ledger.zone,
        "industry_code": "I",
        "technical_field": "electronic_information",
        "is_contract_type": True,
        "total_investment": "500000000.00",
        "responsible_department": ledger.department,
        "contact_name": "张三",
        "contact_phone": "13812345678",
        "contact_email": "zhang@example.com",
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_project(ledger: Ledger) -> Callable[..., Project]:
    def make(*, actor: Any = None, **overrides: Any) -> Project:
        return services.project_create(
            actor=actor or ledger.staff, **project_data(ledger, **overrides)
        )

    return make
