"""Fixtures for contract tests: the code lists, and a contract factory that goes through
the services the way a user would."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from techbridge.codes.services import load_code_lists
from techbridge.contracts import services
from techbridge.contracts.models import TechnologyContract


@pytest.fixture
def codes(db: None) -> None:
    load_code_lists()


def contract_data(personas: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "铝合金压铸工艺开发",
        "contract_type": "development",
        "seller_organisation": personas.org,
        "seller_type": "150",
        "buyer_name": "北京某某科技有限公司",
        "buyer_region": "110108",
        "buyer_type": "170",
        "signed_on": dt.date(2024, 3, 15),
        "contract_amount": "1000000.00",
        "technology_amount": "800000.00",
        "technical_field": "new_materials",
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_contract(personas: Any, codes: None) -> Callable[..., TechnologyContract]:
    def make(*, actor: Any = None, submit: bool = False, register: bool = False, **overrides: Any):
        contract = services.contract_create(
            actor=actor or personas.owner, **contract_data(personas, **overrides)
        )
        if submit or register:
            contract = services.contract_submit(actor=actor or personas.owner, contract=contract)
        if register:
            contract = services.contract_certify_and_register(
                actor=personas.staff, contract=contract
            )
        return contract

    return make
