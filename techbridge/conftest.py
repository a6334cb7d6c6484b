"""Fixtures shared by every app's tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

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
    from techbridge.programmes.attribution import forget_programmes

    clear_cache()
    forget_programmes()
    yield
    clear_cache()
    forget_programmes()


CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright; skips with a message where either
    is missing. Use with `live_server` and `pytest.mark.django_db(transaction=True)`."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}: install the Debian package 'chromium'")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test
    # itself makes are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            )
            yield chromium
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
