"""Browser test (issue 12 acceptance): a project contact files a problem from the mobile
page at 390 px in headless Chromium, with a photo, and follows its status — nothing wider
than the phone. Skips with a message where Chromium or Playwright is missing."""

from __future__ import annotations

import datetime as dt

import pytest

from techbridge.codes.services import load_code_lists
from techbridge.projects.models import Batch, Project, Zone
from techbridge.supervision import services
from techbridge.supervision.models import ProblemReport
from techbridge.supervision.tests.test_workflow import PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world(personas):
    load_code_lists(only=["calendar_years", "calendar_days"])
    zone = Zone.objects.create(name="高新区", region_code="520100")
    batch = Batch.objects.create(name="首批京筑合作签约项目", signed_on=dt.date(2025, 3, 1))
    project = Project.objects.create(
        code="XM2025001",
        name="铝合金压铸项目",
        batch=batch,
        signed_on=dt.date(2025, 3, 1),
        investor_name="北京某投资公司",
        local_company=personas.org,
        region_code="520100",
        zone=zone,
        total_investment=100_000_000_00,
        responsible_department=personas.bureau,
    )
    _link, secret = services.link_issue(
        actor=personas.staff, project=project, contact_name="王经理", contact_phone="13808510001"
    )
    return project, secret


def test_a_contact_files_a_problem_from_the_mobile_page(
    browser, live_server, personas, tmp_path
) -> None:
    project, secret = _world(personas)
    photo = tmp_path / "现场.png"
    photo.write_bytes(PNG)
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/supervision/m/{secret}/")
    assert page.url.endswith("/supervision/m/")  # the secret left the address bar
    assert project.name in page.inner_text("header")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.select_option("select[name=category]", "power")
    page.check("input[name=urgency][value=urgent]")
    page.fill("input[name=title]", "施工用电不稳")
    page.fill("textarea[name=description]", "工地电压波动，设备多次跳闸。")
    page.set_input_files("input[name=photos]", str(photo))
    page.click("#report-form button[type=submit]")
    page.wait_for_load_state()
    page.screenshot(path=str(tmp_path / "mobile-detail.png"), full_page=True)
    report = ProblemReport.objects.get(title="施工用电不稳")
    assert report.channel == "link" and report.urgency == "urgent"
    assert report.attachments.count() == 1
    assert page.url.endswith(f"/supervision/m/r/{report.number}/")
    text = page.inner_text("body")
    assert report.number in text and "已反映" in text  # status in Chinese
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Back on the list, the problem shows with its time left.
    page.click("text=返回")
    assert "施工用电不稳" in page.inner_text("body")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
