"""Test support: a fresh, empty search index per test.

Tests in one pytest session share the session's data directory, so they would share one
index. ``fresh_search_index`` points SEARCH_INDEX_DIR at the test's own directory:

    from techbridge.search.testing import fresh_search_index  # noqa: F401  (a fixture)

    def test_found(fresh_search_index, django_capture_on_commit_callbacks): ...
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from techbridge.search.backends import reset_backends


@pytest.fixture
def fresh_search_index(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """An empty index of this test's own, indexing synchronously after commit."""
    path = tmp_path / "index"
    settings.SEARCH_INDEX_DIR = path
    settings.SEARCH_INDEX_ASYNC = False
    reset_backends()  # also gives up the follower lock of the previous directory
    yield path
    reset_backends()
