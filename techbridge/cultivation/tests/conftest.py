"""Fixtures: region codes (pages show names, never codes) and a tier-record factory that
goes through the service like bureau staff would."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from techbridge.codes.services import load_code_lists
from techbridge.core.testing import Personas
from techbridge.cultivation import services
from techbridge.cultivation.models import TierRecord


@pytest.fixture
def codes(db: None) -> None:
    load_code_lists(only=["regions"])


@pytest.fixture
def record(personas: Personas) -> Callable[..., TierRecord]:
    def make(tier: str = "high_tech", on: dt.date = dt.date(2025, 3, 1), **kw: Any) -> TierRecord:
        return services.tier_record(
            actor=personas.staff,
            organisation=kw.pop("organisation", personas.org),
            tier=tier,
            obtained_on=on,
            certificate_number=kw.pop("certificate_number", "GR202552000123"),
            **kw,
        )

    return make
