"""Fixtures for supervision tests: the holiday calendar, and a small world — a zone, a
project of the personas' enterprise, two departments with handlers and heads, and a
supervising office — built the way the bureau would configure it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from techbridge.accounts.models import User
from techbridge.accounts.roles import Role
from techbridge.codes.services import load_code_lists
from techbridge.core.testing import Personas, make_organisation, make_user
from techbridge.organisations.models import Organisation, OrganisationKind
from techbridge.projects.models import Batch, Project, Zone
from techbridge.supervision import services
from techbridge.supervision.models import Department, ProblemReport

SH = ZoneInfo("Asia/Shanghai")


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SH)


@pytest.fixture
def calendar(db: None) -> None:
    load_code_lists(only=["calendar_years", "calendar_days"])


@dataclass
class World:
    personas: Personas
    zone: Zone
    project: Project
    power: Organisation  # 供电局
    permits: Organisation  # 行政审批局
    office: Organisation  # 督查室
    handler: User
    head: User
    permits_handler: User
    office_head: User
    officer: User  # the project's responsible officer (a zone officer)
    station: User

    def client(self, user: User | None) -> Any:
        return self.personas.client_for(user)


@pytest.fixture
def world(personas: Personas, calendar: None) -> World:
    zone = Zone.objects.create(name="高新区 High-tech Zone", region_code="520100")
    batch = Batch.objects.create(name="首批京筑合作签约项目", signed_on=dt.date(2025, 3, 1))
    power = make_organisation(
        "供电局 Power Bureau", OrganisationKind.GOVERNMENT, region_code="520100"
    )
    permits = make_organisation(
        "行政审批局 Permits Bureau", OrganisationKind.GOVERNMENT, region_code="520100"
    )
    office = make_organisation(
        "督查室 Supervision Office", OrganisationKind.GOVERNMENT, region_code="520100"
    )
    handler = make_user("handler", Role.DEPARTMENT_HANDLER, power)
    head = make_user("powerhead", Role.DEPARTMENT_HANDLER, power)
    permits_handler = make_user("permitshandler", Role.DEPARTMENT_HANDLER, permits)
    office_head = make_user("officehead", Role.BUREAU_STAFF, office)
    officer = make_user("zoneofficer", Role.DEPARTMENT_HANDLER, permits)
    station = make_user("station", Role.STATION_STAFF, personas.bureau)
    project = Project.objects.create(
        code="XM2025001",
        name="铝合金压铸项目",
        batch=batch,
        signed_on=dt.date(2025, 3, 1),
        investor_name="北京某投资公司",
        local_company=personas.org,
        local_company_name=personas.org.name,
        region_code="520100",
        zone=zone,
        total_investment=100_000_000_00,
        responsible_department=permits,
        responsible_officer=officer,
        contact_name="张三",
        contact_phone="13800138000",
    )
    office_desk = services.department_save(
        actor=personas.staff,
        organisation=office,
        head=office_head,
        supervised_by=None,
        is_supervising_office=True,
    )
    services.department_save(
        actor=personas.staff, organisation=power, head=head, supervised_by=office_desk
    )
    services.department_save(
        actor=personas.staff, organisation=permits, head=None, supervised_by=office_desk
    )
    services.routing_rule_create(
        actor=personas.staff, category="power", zone=None, department=power
    )
    return World(
        personas,
        zone,
        project,
        power,
        permits,
        office,
        handler,
        head,
        permits_handler,
        office_head,
        officer,
        station,
    )


@pytest.fixture
def file_report(world: World) -> Callable[..., ProblemReport]:
    def make(**overrides: Any) -> ProblemReport:
        data: dict[str, Any] = {
            "actor": world.personas.owner,
            "project": world.project,
            "category": "power",
            "urgency": "urgent",
            "title": "施工用电不稳",
            "description": "工地施工用电电压波动，设备多次跳闸。",
        }
        data.update(overrides)
        return services.report_create(**data)

    return make


def desk(organisation: Organisation) -> Department:
    return Department.objects.get(organisation=organisation)
