"""The region and industry pickers in headless Chromium (issue 14), on the organisation
form in Chinese at 1280 px and 390 px: the cascade preselects the stored region, the
type-ahead finds 花溪区 by its pinyin initials and is chosen with the keyboard, nothing is
wider than the phone and no script fails. Screenshots go to var/picker/."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from techbridge.core.testing import PASSWORD, Personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[3] / "var" / "picker"


@pytest.mark.parametrize("width", [1280, 390])
def test_the_region_picker_on_the_organisation_form(
    browser: Any, live_server: Any, personas: Personas, width: int
) -> None:
    call_command("load_codes", verbosity=0, stdout=io.StringIO())
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": width, "height": 900},
        extra_http_headers={"Accept-Language": "zh-CN,zh"},
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", personas.staff.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/organisations/{personas.org.pk}/edit/")

    region = page.locator("input[name=region_code]")
    assert region.input_value() == "贵州省 贵阳市"
    picker = page.locator(".code-picker").first
    # The cascade follows the stored code: 贵州省, then 贵阳市.
    selects = picker.locator("select")
    page.wait_for_function(
        "() => document.querySelectorAll('.code-picker')[0]"
        ".querySelectorAll('select')[1].value === '520100'"
    )
    assert selects.nth(0).input_value() == "520000"
    # …and offers 贵阳市's districts below (filled once the city is chosen).
    page.wait_for_function(
        "() => document.querySelectorAll('.code-picker')[0]"
        ".querySelectorAll('select')[2].options.length > 1"
    )
    assert "花溪区" in selects.nth(2).inner_text()

    region.fill("")
    region.press_sequentially("hxq", delay=30)
    option = picker.locator("[role=option]", has_text="花溪区").first
    option.wait_for()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"organisation-form-zh-{width}.png"), full_page=True)
    index = int(option.get_attribute("data-index") or 0)
    for _ in range(index + 1):
        region.press("ArrowDown")
    region.press("Enter")
    assert region.input_value() == "贵州省 贵阳市 花溪区"

    industry = page.locator("input[name=industry_code]")
    industry.press_sequentially("rjkf", delay=30)
    page.locator(".code-picker [role=option]", has_text="软件开发").first.click()
    assert industry.input_value() == "软件开发"

    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= width, f"page is {wide}px wide at {width}px"
    assert errors == []
    page.click("form.form button.primary, form button[type=submit]:not(.link)")
    page.wait_for_load_state()
    personas.org.refresh_from_db()
    assert (personas.org.region_code, personas.org.industry_code) == ("520111", "651")
    context.close()
