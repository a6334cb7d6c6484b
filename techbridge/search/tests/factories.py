"""Records created through the catalogue's own services, as users would create them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from techbridge.catalogue.services import records as record_services
from techbridge.core.testing import Personas


@dataclass
class Catalogue:
    personas: Personas
    capture: Any

    def draft(self, kind: str = "achievement", *, by: Any = None, **data: Any) -> Any:
        actor = by or self.personas.researcher
        data.setdefault("technical_field", "new_energy")
        with self.capture(execute=True):
            return record_services.record_create(actor=actor, kind=kind, **data)

    def publish(self, record: Any, *, by: Any = None) -> Any:
        actor = by or (
            self.personas.researcher
            if record.owner_id == self.personas.institution.pk
            else self.personas.owner
        )
        with self.capture(execute=True):
            record = record_services.record_submit(actor=actor, record=record)
        with self.capture(execute=True):
            return record_services.record_publish(actor=self.personas.staff, record=record)

    def published(self, kind: str = "achievement", *, by: Any = None, **data: Any) -> Any:
        return self.publish(self.draft(kind, by=by, **data), by=by)

    def update(self, record: Any, *, by: Any = None, **data: Any) -> Any:
        actor = by or self.personas.researcher
        with self.capture(execute=True):
            return record_services.record_update(actor=actor, record=record, **data)

    def withdraw(self, record: Any, *, by: Any = None) -> Any:
        actor = by or self.personas.researcher
        with self.capture(execute=True):
            return record_services.record_withdraw(actor=actor, record=record)

    def delete(self, record: Any, *, by: Any = None) -> None:
        actor = by or self.personas.staff
        with self.capture(execute=True):
            record_services.record_delete(actor=actor, record=record)


@pytest.fixture
def catalogue(
    personas: Personas, fresh_search_index: Any, django_capture_on_commit_callbacks: Any
) -> Catalogue:
    return Catalogue(personas=personas, capture=django_capture_on_commit_callbacks)
