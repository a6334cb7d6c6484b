"""Fixtures for the catalogue tests: code lists loaded once per module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from techbridge.codes import selectors as code_selectors
from techbridge.codes.services import load_code_lists


@pytest.fixture(scope="module")
def codes(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Every code list, loaded once for the module and rolled back afterwards."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_code_lists()
        except BaseException:
            atomic.__exit__(None, None, None)
            raise
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
        code_selectors.clear_cache()


@pytest.fixture(autouse=True)
def _code_cache() -> Iterator[None]:
    code_selectors.clear_cache()
    yield
    code_selectors.clear_cache()
