"""Record pages in headless Chromium (issue 14): the enterprise's recommendations and the
broker's deal page at 1280 and 390 px in zh-CN — no page wider than the window, the links
to both records, and a decline that asks first (dismissing the question sends nothing).
Screenshots go to var/record-pages/. Skips where Chromium is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from techbridge.brokerage import services
from techbridge.brokerage.models import Recommendation
from techbridge.brokerage.tests.test_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("var/record-pages")


def _check(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        assert scroll <= inner + 1, (name, width, scroll)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def test_recommendations_and_deal_pages_in_the_browser(browser, live_server, world) -> None:
    p = world.personas
    reco = services.recommendation_create(
        actor=world.broker,
        demand=world.demand,
        resource_kind="achievement",
        resource_id=world.achievement.pk,
        note="值得一谈",
    )
    context, page = login(browser, live_server, p.owner)
    page.goto(f"{live_server.url}/brokerage/recommendations/")
    assert page.locator(f"a[href='/catalogue/achievements/{world.achievement.pk}/']").count()
    _check(page, "recommendations")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("tr[data-recommendation] details summary")
    page.select_option("select[name=reason]", "too_expensive")
    questions: list[str] = []

    def dismiss(dialog) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.click("tr[data-recommendation] button.danger")
    assert questions and "不采纳" in questions[0]
    assert Recommendation.objects.get(pk=reco.pk).status == "recommended"
    context.close()

    services.recommendation_accept(actor=p.owner, recommendation=reco)
    deal = services.deal_create(actor=world.broker, recommendation=reco)
    context, page = login(browser, live_server, world.broker)
    page.goto(f"{live_server.url}/brokerage/deals/{deal.pk}/")
    assert page.locator("button[data-action=next]").inner_text() == "进入下一阶段：成果包装"
    _check(page, "deal")
    context.close()
