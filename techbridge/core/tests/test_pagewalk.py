"""Every page of every role, as its user sees it (issue 14): the demo world, each demo
account logged in through the real form, every page reachable from its navigation, in
Chinese and in English, at 1280 px and 390 px. See pagewalk.py for what fails a page.

Slow (a few minutes): CI runs it once, on SQLite (pages render the same on PostgreSQL;
the databases are compared by the rest of the suite). ``PAGEWALK_LIMIT`` caps the pages
per role and language for a quicker look."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from techbridge.accounts.demo import DEMO_ACCOUNTS
from techbridge.accounts.models import User
from techbridge.core.demo import LOADERS
from techbridge.core.testing import PASSWORD
from techbridge.core.tests.pagewalk import Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ("zh-CN", "en")


@pytest.fixture
def demo_world(settings, tmp_path) -> None:
    from django.utils.module_loading import import_string

    settings.DATA_DIR = tmp_path
    out = io.StringIO()
    call_command("load_codes", verbosity=0, stdout=out)
    # As `techbridge setup-demo` does: management commands run in LANGUAGE_CODE (Chinese).
    with translation.override(django_settings.LANGUAGE_CODE):
        for path in LOADERS:
            import_string(path)(out)
    for user in User.objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS]):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".who").count() == 1, f"{username} did not log in: {page.url}"


@pytest.mark.skipif(
    connection.vendor != "sqlite" and not os.environ.get("PAGEWALK_EVERY_DATABASE"),
    reason="the page walk runs once, on SQLite (PAGEWALK_EVERY_DATABASE=1 runs it here too)",
)
def test_every_page_of_every_role_reads_well(browser, live_server, demo_world) -> None:
    limit = int(os.environ.get("PAGEWALK_LIMIT", "200"))
    walk = Walk(base=live_server.url, shots=Path(django_settings.BASE_DIR) / "var" / "pagewalk")
    pages = 0
    for language in LANGUAGES:
        context = browser.new_context(locale=language)
        page = context.new_page()
        pages += walk.crawl(page, "anonymous", language, [f"{live_server.url}/"], limit)
        context.close()
        for username, *_rest in DEMO_ACCOUNTS:
            if username == "technician":  # an institution member like "institution"
                continue
            context = browser.new_context(locale=language)
            page = context.new_page()
            _log_in(page, live_server.url, username)
            links = page.eval_on_selector_all(".mainnav a", "els => els.map(e => e.href)")
            pages += walk.crawl(page, username, language, [page.url, *links], limit)
            context.close()
    report = "\n".join(str(f) for f in walk.findings)
    assert not walk.findings, f"{len(walk.findings)} findings on {pages} pages:\n{report}"
