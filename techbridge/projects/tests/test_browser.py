"""The ledger pages in headless Chromium, zh-CN, at 1280 and 390 px: each renders its
heading, nothing is wider than the phone, and the briefing prints (print media) without
the navigation. Screenshots go to PROJECTS_SHOTS (a folder) when it is set."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from techbridge.core.testing import PASSWORD
from techbridge.imports.services import import_file
from techbridge.projects.importers import ProjectImporter
from techbridge.projects.models import Project
from techbridge.projects.tests import seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("list", "/projects/"),
    ("dashboard", "/projects/kpis/"),
    ("overdue", "/projects/overdue/?days=30"),
    ("briefing", "/projects/briefing/?month=2014-03"),
    ("import", "/projects/import/"),
    ("batches", "/projects/batches/"),
]


def test_ledger_pages_fit_desktop_and_phone(browser, live_server, ledger, tmp_path):
    rows = seed.rows(zone=ledger.zone.name, department=ledger.department.name)
    assert import_file(
        ProjectImporter(actor=ledger.staff), seed.write_csv(tmp_path / "s.csv", rows)
    ).ok
    project = Project.objects.get(external_id="JZ-2014-096")
    pages = [
        *PAGES,
        ("detail", project.get_absolute_url()),
        ("edit", f"{project.get_absolute_url()}edit/"),
    ]
    shots = Path(os.environ["PROJECTS_SHOTS"]) if os.environ.get("PROJECTS_SHOTS") else None
    for width in (1280, 390):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", ledger.staff.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        for name, path in pages:
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, (name, width)
            assert page.locator("h1").count() == 1, name
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width, f"{name} is {overflow}px wide at {width}px"
            if shots:
                shots.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
        page.goto(f"{live_server.url}/projects/briefing/?month=2014-03")
        assert "91.51%" in page.content()
        assert "首批京筑合作签约项目106个，投资总额465.66亿元" in page.content()
        page.emulate_media(media="print")
        assert page.locator(".topbar").is_hidden() and page.locator("form.filters").is_hidden()
        if shots:
            page.pdf(path=str(shots / f"briefing-{width}.pdf")) if width == 1280 else None
        context.close()
    assert dt.date.today()
