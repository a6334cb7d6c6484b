"""Fixtures for the import tests: the code lists the domain importers look up."""

from __future__ import annotations

import pytest

from techbridge.codes.services import load_code_lists


@pytest.fixture
def codes(db: None) -> None:
    load_code_lists()
