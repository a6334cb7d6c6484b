"""Statement and report pages in headless Chromium (zh-CN) at 1280 and 390 px: they open
after a real login, show Chinese labels and no internal codes, and nothing is wider than
the phone (tables scroll inside their box). Screenshots go to $SHOT_DIR when it is set."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from techbridge.core.testing import PASSWORD, Personas
from techbridge.sharing.models.settlement import PartyKind, Statement
from techbridge.sharing.services.settlement import settle_month
from techbridge.sharing.tests.conftest import build_sharing_world
from techbridge.sharing.tests.conftest_settlement import build_settlement_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_statement_and_report_pages_fit_desktop_and_phone(browser, live_server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sw = build_settlement_world(build_sharing_world(Personas.create()))
    w = sw.w
    for i in range(12):
        sw.order(
            f"{(i + 1) * 123}.45",
            staff=[w.tech_a, w.tech_b][: i % 3] or None,
            voucher="50.00" if i % 3 == 0 else None,
            day=dt.date(2026, 3, 2 + i),
        )
    settle_month(actor=None, month=dt.date(2026, 3, 1))
    agency = Statement.objects.get(party_kind=PartyKind.AGENCY)
    shots = Path(os.environ.get("SHOT_DIR") or tmp_path)
    pages = {
        "statements": "/sharing/statements/",
        "statement": f"/sharing/statements/{agency.pk}/",
        "print": f"/sharing/statements/{agency.pk}/print/",
        "runs": "/sharing/settlement/",
        "adjustments": "/sharing/settlement/adjustments/",
        "reports": "/sharing/reports/?from=2026-01-01&to=2026-12-31",
    }
    for width in (1280, 390):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", w.personas.staff.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        for name, url in pages.items():
            response = page.goto(live_server.url + url)
            assert response is not None and response.status == 200, url
            page.screenshot(path=str(shots / f"settlement-{name}-{width}.png"), full_page=True)
            text = page.inner_text("body")
            assert "party_kind" not in text and "owner" not in text.split(), url
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 1, f"{url} is {overflow}px wider than {width}px"
        page.goto(live_server.url + pages["statement"])
        assert "专业机构" in page.inner_text("main") and agency.number in page.inner_text("h1")
        context.close()
