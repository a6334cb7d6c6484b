"""Browser smoke test: every role logs in through the real login form in headless
Chromium and opens every page its navigation offers (issue 2). Skips with a message
where Chromium or Playwright is missing."""

from __future__ import annotations

import pytest

from techbridge.accounts.roles import Role
from techbridge.core.testing import PASSWORD, Personas, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _users(personas: Personas) -> dict[str, object]:
    return {
        Role.VISITOR: make_user("visitor1", Role.VISITOR),
        Role.ENTERPRISE_MEMBER: personas.owner,
        Role.INSTITUTION_MEMBER: personas.researcher,
        Role.BROKER: make_user("broker1", Role.BROKER, personas.institution),
        Role.STATION_STAFF: make_user("station1", Role.STATION_STAFF, personas.bureau),
        Role.BUREAU_STAFF: personas.staff,
        Role.DEPARTMENT_HANDLER: make_user("handler1", Role.DEPARTMENT_HANDLER, personas.bureau),
        Role.SYSTEM_ADMIN: personas.system_admin,
        Role.SECURITY_ADMIN: personas.security_admin,
        Role.AUDIT_ADMIN: personas.audit_admin,
    }


def test_every_role_logs_in_and_opens_its_pages(browser, live_server, personas, tmp_path) -> None:
    for role, user in _users(personas).items():
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        badge = page.locator(".who")
        if badge.count() == 0:
            page.screenshot(path=str(tmp_path / f"login-{role.value}.png"))
        assert badge.count() == 1, f"{role} did not log in: {page.url}"
        assert badge.get_attribute("data-role") == role.value, f"{role} did not log in"
        links = page.eval_on_selector_all(".mainnav a", "els => els.map(e => e.href)")
        assert links, f"{role} has no navigation"
        for href in links:
            response = page.goto(href)
            assert response is not None and response.status == 200, f"{role}: {href}"
            assert page.locator("h1").count() >= 1, f"{role}: {href} shows no heading"
        # Logging out ends the session: the account page asks for a login again.
        page.goto(f"{live_server.url}/")
        page.click("form[action$='/accounts/logout/'] button")
        page.goto(f"{live_server.url}/accounts/me/")
        assert "/accounts/login/" in page.url
        context.close()
