"""In headless Chromium (zh-CN): bureau staff previews and sends a notice, a recipient
opens it on a 390 px phone (their read receipt), and the sender sees it read; every page
fits the phone's width. Screenshots go to the test's tmp_path."""

from __future__ import annotations

from typing import Any

import pytest

from techbridge.core.testing import PASSWORD
from techbridge.notices.models import NoticeRecipient
from techbridge.notices.tests.conftest import World
from techbridge.notifications.models import Robot, RobotKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(browser: Any, live_server: Any, user: Any, width: int) -> tuple[Any, Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    follow(page, "button[type=submit]")
    return context, page


def follow(page: Any, selector: str) -> None:
    """Click and wait for the page it leads to (reading the page right after a bare click
    can catch the old document torn down: an empty content())."""
    with page.expect_navigation():
        page.click(selector)


def fits(page: Any, width: int) -> bool:
    return bool(page.evaluate(f"document.documentElement.scrollWidth <= {width} + 1"))


def test_send_read_and_receipts_on_desktop_and_phone(
    browser: Any, live_server: Any, world: World, tmp_path: Any
) -> None:
    Robot.objects.create(
        name="高新区项目服务群",
        kind=RobotKind.DINGTALK,
        webhook_url="https://oapi.dingtalk.com/robot/send?access_token=abcdef123456",
        secret="SEC0123456789abcdef",
    )
    context, page = login(browser, live_server, world.staff, 1280)
    page.goto(f"{live_server.url}/notices/new/")
    page.fill("input[name=title]", "关于报送一季度项目进展的通知")
    page.fill("textarea[name=body]", "请各项目单位于4月5日前报送进度。\n特此通知。")
    page.select_option("select[name=projects]", [str(world.alpha.pk)])
    page.check(f"input[name=zones][value='{world.other_zone.pk}']")
    follow(page, "button[name=preview]")
    assert "将送达 3 人的站内消息" in page.content()
    page.screenshot(path=str(tmp_path / "compose-preview-1280.png"), full_page=True)
    follow(page, "button[name=send]")
    assert "阅读回执" in page.content() and "0 / 3" in page.content()
    page.screenshot(path=str(tmp_path / "detail-sender-1280.png"), full_page=True)
    page.goto(f"{live_server.url}/notices/robots/")
    assert "abcdef123456" not in page.content()
    context.close()

    phone, page = login(browser, live_server, world.personas.owner, 390)
    page.goto(f"{live_server.url}/notices/received/")
    assert fits(page, 390)
    follow(page, "text=关于报送一季度项目进展的通知")
    assert "特此通知" in page.content()
    assert fits(page, 390)
    page.screenshot(path=str(tmp_path / "detail-recipient-390.png"), full_page=True)
    phone.close()
    assert NoticeRecipient.objects.get(user=world.personas.owner).read_at is not None

    phone, page = login(browser, live_server, world.staff, 390)
    for path in ("/notices/sent/", "/notices/new/", "/notices/robots/"):
        page.goto(f"{live_server.url}{path}")
        assert fits(page, 390), path
        page.screenshot(path=str(tmp_path / f"{path.strip('/').replace('/', '-')}-390.png"))
    page.goto(f"{live_server.url}/notices/sent/")
    assert "1 / 3" in page.content()
    follow(page, "text=关于报送一季度项目进展的通知")
    assert fits(page, 390)
    page.screenshot(path=str(tmp_path / "detail-sender-390.png"), full_page=True)
    phone.close()
