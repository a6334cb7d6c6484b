"""The catalogue's record kinds by name. Search, matching and brokerage use these names
(``"achievement"``, ``"demand"`` …) to refer to records without importing each model."""

from __future__ import annotations

from typing import cast

from django.db.models import Model

from techbridge.catalogue.models import (
    Achievement,
    CatalogueRecord,
    DataResource,
    Demand,
    Expert,
    Instrument,
    Lab,
    ServiceOffering,
)

KINDS: dict[str, type[Model]] = {
    "achievement": Achievement,
    "expert": Expert,
    "instrument": Instrument,
    "lab": Lab,
    "data": DataResource,
    "service": ServiceOffering,
    "demand": Demand,
}

#: Supply-side kinds (everything a demand can be matched against).
RESOURCE_KINDS: tuple[str, ...] = tuple(k for k in KINDS if k != "demand")

#: Import/export names (plural, as in `techbridge import achievements FILE`) → kind.
PLURALS: dict[str, str] = {
    "achievements": "achievement",
    "experts": "expert",
    "instruments": "instrument",
    "labs": "lab",
    "data": "data",
    "services": "service",
    "demands": "demand",
}


def model_for(kind: str) -> type[CatalogueRecord]:
    """The model class of ``kind``; KeyError for an unknown kind."""
    return cast("type[CatalogueRecord]", KINDS[kind])
