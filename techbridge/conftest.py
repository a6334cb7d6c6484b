"""Fixtures shared by every app's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from techbridge.core.testing import Personas


@pytest.fixture
def personas(db: None) -> Personas:
    return Personas.create()


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Direct service calls answer in the active language; unit tests read English.
    Pages fetched through the test client still default to Chinese (LocaleMiddleware)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_code_cache() -> Iterator[None]:
    """The code-list lookups are cached per process; a test's rollback must not leave
    codes behind for the next test (or hide codes it loaded)."""
    from techbridge.codes.selectors import clear_cache

    clear_cache()
    yield
    clear_cache()
