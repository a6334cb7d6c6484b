"""Fixtures for the brokerage tests: code lists, a search index of the test's own, a
broker, and a small world of published records created through the catalogue services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from techbridge.accounts.roles import Role
from techbridge.catalogue.services import records as record_services
from techbridge.codes.services import load_code_lists
from techbridge.core.testing import Personas, make_organisation, make_user
from techbridge.organisations.models import OrganisationKind
from techbridge.search.testing import fresh_search_index  # noqa: F401  (a fixture)


@pytest.fixture
def codes(db: None) -> None:
    load_code_lists()


@dataclass
class World:
    personas: Personas
    broker: Any
    agency: Any
    demand: Any
    achievement: Any
    capture: Any

    def published(self, kind: str, by: Any, **data: Any) -> Any:
        data.setdefault("technical_field", "new_materials")
        with self.capture(execute=True):
            record = record_services.record_create(actor=by, kind=kind, **data)
        with self.capture(execute=True):
            record = record_services.record_submit(actor=by, record=record)
        with self.capture(execute=True):
            return record_services.record_publish(actor=self.personas.staff, record=record)


@pytest.fixture
def world(
    personas: Personas,
    codes: None,
    fresh_search_index: Any,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> World:
    agency = make_organisation("技术转移中心 Agency", OrganisationKind.AGENCY, region_code="110000")
    broker = make_user("broker1", Role.BROKER, agency, email="broker@example.org")
    personas.owner.email = "owner@example.org"
    personas.owner.save(update_fields=["email"])
    personas.org.contact_name, personas.org.contact_phone = "张三", "13800138000"
    personas.org.save(update_fields=["contact_name", "contact_phone"])
    personas.institution.contact_name, personas.institution.contact_phone = "李四", "13900139000"
    personas.institution.legal_person_type = "021"
    personas.institution.save(update_fields=["contact_name", "contact_phone", "legal_person_type"])
    personas.org.legal_person_type = "100"
    personas.org.save(update_fields=["legal_person_type"])
    w = World(
        personas=personas,
        broker=broker,
        agency=agency,
        demand=None,
        achievement=None,
        capture=django_capture_on_commit_callbacks,
    )
    w.achievement = w.published(
        "achievement",
        personas.researcher,
        title="高强度铝合金 船舶 耐热 高韧性 材料",
        summary="耐热高韧性铝合金，用于船舶制造",
        keywords=["铝合金", "船舶"],
        trl=7,
    )
    w.published(
        "achievement",
        personas.researcher,
        title="赤泥综合利用技术",
        summary="拜耳法赤泥综合利用",
        keywords=["赤泥"],
    )
    w.demand = w.published(
        "demand",
        personas.owner,
        title="船舶用耐热高韧性铝合金",
        summary="需要耐热、高韧性的铝合金材料用于船舶",
        keywords=["铝合金", "船舶"],
    )
    return w
