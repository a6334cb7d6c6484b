from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from techbridge.codes.services import load_code_lists
from techbridge.programmes import services
from techbridge.programmes.models import Programme
from techbridge.search.testing import fresh_search_index  # noqa: F401
from techbridge.search.tests.factories import catalogue  # noqa: F401


@dataclass
class Pair:
    """Two programmes side by side (issue 15): Beijing → Guiyang and Zhongguancun → Chengde."""

    guiyang: Programme
    chengde: Programme
    default: Programme
    staff: Any


@pytest.fixture
def codes(db: None) -> None:
    load_code_lists()


@pytest.fixture
def pair(personas: Any, codes: None) -> Pair:
    staff = personas.staff
    default = services.default_programme()
    guiyang = services.programme_save(
        actor=staff,
        name="首都科技条件平台贵阳工作站",
        home_regions="贵阳市",
        partner_regions="北京",
    )
    chengde = services.programme_save(
        actor=staff,
        name="中关村–承德合作",
        kind="corridor",
        home_regions="承德市",
        partner_regions="110108",
    )
    return Pair(guiyang, chengde, default, staff)
