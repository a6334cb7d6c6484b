"""Browser test (headless Chromium): a broker walks the board, opens a deal, moves it a
stage, builds a meeting schedule and prints a participant's schedule; the enterprise
opens its own printable schedule. Skips with a message where Chromium is missing."""

from __future__ import annotations

import datetime as dt

import pytest

from techbridge.accounts.roles import Role
from techbridge.brokerage import services
from techbridge.core.testing import PASSWORD, make_organisation, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(browser, live_server, user):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".who").get_attribute("data-role") == user.role
    return context, page


def test_broker_board_and_meeting_schedule(browser, live_server, personas) -> None:
    agency = make_organisation("技术转移中心", "agency", region_code="110000")
    broker = make_user("broker9", Role.BROKER, agency)
    first = services.deal_create(actor=broker, enterprise=personas.org, title="铝合金项目")
    second = services.deal_create(
        actor=broker, enterprise=personas.org, supplier=personas.institution, title="赤泥项目"
    )
    services.deal_move(actor=broker, deal=second, to_stage="valuation")
    event = services.event_create(
        actor=broker,
        title="京筑供需对接会",
        held_on=dt.date(2026, 6, 1),
        place="贵阳",
        tables=2,
        slots=4,
    )
    services.event_set_status(actor=broker, event=event, status="published")
    ent = services.participant_register(actor=personas.owner, event=event, person_name="王经理")
    inst = services.participant_register(
        actor=personas.researcher, event=event, available_slots=[2, 3]
    )
    other = services.participant_register(actor=personas.outsider, event=event)
    asks = (
        (personas.owner, ent, inst, personas.researcher),
        (personas.outsider, other, inst, personas.researcher),
        (personas.outsider, other, ent, personas.owner),
    )
    for asker, requester, target, answerer in asks:
        request = services.meeting_request_create(actor=asker, requester=requester, target=target)
        services.meeting_request_decide(actor=answerer, request=request, accept=True)

    context, page = login(browser, live_server, broker)
    # The board is in the menu's 对接服务 group: open the group, then follow the link.
    board_link = page.locator(".mainnav a[href$='/brokerage/board/']")
    group = page.locator(".navgroup", has=page.locator("a[href$='/brokerage/board/']"))
    group.locator("summary").click()
    board_link.click()
    assert page.locator("h1").first.inner_text() in ("技术经纪人看板", "Broker board")
    columns = page.locator(".board .column")
    assert columns.count() == 8
    assert page.locator(".column[data-stage=publication] .deal-card").count() == 1
    assert page.locator(".column[data-stage=valuation] .deal-card").count() == 1
    page.click(f".deal-card[data-deal='{first.pk}']")
    assert "铝合金项目" in page.locator("h1").inner_text()
    page.click("button[data-action=next]")
    page.wait_for_load_state()
    assert page.locator(".pagehead .badge").get_attribute("data-stage") == "packaging"
    page.goto(f"{live_server.url}/brokerage/board/")
    assert page.locator(".column[data-stage=packaging] .deal-card").count() == 1
    assert page.locator(".column[data-stage=publication] .deal-card").count() == 0

    # The meeting: build the schedule, then print the enterprise's.
    page.goto(f"{live_server.url}/brokerage/meetings/{event.pk}/")
    page.click("button[data-action=schedule]")
    page.wait_for_load_state()
    assert page.locator("table.schedule tbody tr").count() == 3
    page.goto(f"{live_server.url}/brokerage/meetings/{event.pk}/schedule/?participant={ent.pk}")
    assert "王经理" in page.locator(".who-for").inner_text()
    assert page.locator("table.schedule tbody tr").count() == 2
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible()
    assert not page.locator(".noprint").first.is_visible()
    assert page.locator("table.schedule").is_visible()
    context.close()

    context, page = login(browser, live_server, personas.owner)
    page.goto(f"{live_server.url}/brokerage/meetings/{event.pk}/schedule/")
    rows = page.locator("table.schedule tbody tr")
    assert rows.count() == 2
    text = page.locator("table.schedule").inner_text()
    assert personas.institution.name in text and personas.other_org.name in text
    context.close()
