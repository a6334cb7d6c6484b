"""Fixtures for the codes tests.

Loading every list takes a fraction of a second, but a test module needs it only once:
``loaded_codes`` loads inside a transaction that stays open for the module and is rolled
back at its end, the way Django's ``TestCase.setUpTestData`` works. Each test still runs
in its own savepoint, so a test may change rows freely.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from techbridge.codes import selectors
from techbridge.codes.services import LoadResult, load_code_lists


@pytest.fixture(autouse=True)
def _fresh_code_cache() -> Iterator[None]:
    # The selector indexes live in process memory; rolled-back rows must not linger there.
    selectors.clear_cache()
    yield
    selectors.clear_cache()


@pytest.fixture(scope="module")
def loaded_codes(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, LoadResult]]:
    """Every code list, loaded once for the module and rolled back afterwards."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            results = load_code_lists()
        except BaseException:
            atomic.__exit__(None, None, None)
            raise
    try:
        yield results
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
        selectors.clear_cache()
