"""The voucher pages in headless Chromium (zh-CN) at desktop and phone width: each persona
logs in through the form, every page answers 200 with a heading, and nothing is wider than
the screen (tables scroll inside their box). Screenshots go to $VOUCHER_SHOTS if set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from techbridge.core.testing import PASSWORD
from techbridge.sharing.services import vouchers as services
from techbridge.sharing.tests.conftest_vouchers import (  # noqa: F401  (fixtures)
    VoucherWorld,
    vw_fixture,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world(vw: VoucherWorld) -> dict[str, list[tuple[str, str]]]:
    from techbridge.codes.services import load_code_lists

    load_code_lists()  # region names instead of codes on the programme page
    p = vw.personas
    voucher = vw.issue("20000.00")
    orders = [vw.order("1860.00"), vw.order("3275.50")]
    reds = [services.apply_voucher(actor=p.owner, order=o, voucher=voucher) for o in orders]
    for order in orders:
        vw.confirm(order)
    claim = services.claim_submit(
        actor=vw.agency_member, redemptions=reds[:1], invoice_number="04400123456"
    )
    waiting = services.application_submit(
        actor=p.colleague,
        programme=vw.programme,
        amount_requested="8000.00",
        purpose="委托检测高强铝合金样品的显微组织",
    )

    def url(name: str, **kw: int) -> str:
        return reverse(f"sharing:{name}", kwargs=kw or None)

    return {
        p.staff.username: [
            ("programmes", url("voucher_programmes")),
            ("programme", url("voucher_programme", pk=vw.programme.pk)),
            ("applications", url("voucher_applications")),
            ("application", url("voucher_application", pk=waiting.pk)),
            ("claim-queue", url("voucher_claim_queue")),
            ("claim", url("voucher_claim", pk=claim.pk)),
            ("programme-new", url("voucher_programme_new")),
        ],
        p.owner.username: [
            ("mine", url("vouchers")),
            ("voucher", url("voucher", pk=voucher.pk)),
            ("apply", url("voucher_apply", pk=vw.programme.pk)),
        ],
        vw.agency_member.username: [
            ("claims", url("voucher_claims")),
            ("claim-new", url("voucher_claim_new")),
        ],
    }


def test_voucher_pages_fit_desktop_and_phone(browser, live_server, vw: VoucherWorld, tmp_path):
    shots = Path(os.environ.get("VOUCHER_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    for username, pages in _world(vw).items():
        for width in (1280, 390):
            context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
            page = context.new_page()
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            for label, path in pages:
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None and response.status == 200, (username, path)
                assert page.locator("h1").count() == 1, path
                page.screenshot(path=str(shots / f"{label}-{width}.png"), full_page=True)
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 0, f"{path} is {overflow}px wider than {width}px"
            context.close()
