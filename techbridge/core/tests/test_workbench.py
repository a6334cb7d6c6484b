"""我的工作台 and the grouped menu (issue 14): the login lands on the workbench; each role
sees what waits for it (and nothing of other organisations'); the menu is grouped so no
role faces twenty links; unread counts show in the menu."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from techbridge.catalogue import services as catalogue
from techbridge.core.testing import PASSWORD
from techbridge.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _top_level_entries(html: str) -> list[str]:
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S)
    assert nav
    body = re.sub(r'<div class="navmenu">.*?</div>', "", nav.group(0), flags=re.S)
    return re.findall(r"<a href=|<summary>", body)


def test_login_lands_on_the_workbench(personas, client) -> None:
    personas.owner.set_password(PASSWORD)
    personas.owner.save(update_fields=["password"])
    response = client.post(reverse("accounts:login"), {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:workbench")
    assert "我的工作台" in _text(client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="zh-CN"))


def test_workbench_needs_a_login(personas) -> None:
    response = personas.anonymous.get(reverse("core:workbench"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_drafts_and_review_queue_reach_the_right_people(personas) -> None:
    record = catalogue.record_create(
        actor=personas.owner,
        kind="achievement",
        title="高强铝合金板材热处理工艺",
        technical_field="new_materials",
        trl=6,
    )
    owner = _text(personas.client_for(personas.owner).get(reverse("core:workbench")))
    assert "份草稿待完善并提交" in owner
    assert "条记录待审核" not in owner
    catalogue.record_submit(actor=personas.owner, record=record)
    staff = _text(personas.client_for(personas.staff).get(reverse("core:workbench")))
    assert "条记录待审核" in staff and reverse("catalogue:review") in staff
    # Another enterprise sees neither the draft nor the queue.
    outsider = _text(personas.client_for(personas.outsider).get(reverse("core:workbench")))
    assert "草稿待完善" not in outsider and "待审核" not in outsider
    assert "目前没有需要您处理的事项。" in outsider


def test_every_persona_has_a_workbench(personas) -> None:
    for user in (
        personas.owner,
        personas.researcher,
        personas.staff,
        personas.system_admin,
        personas.security_admin,
        personas.audit_admin,
    ):
        _text(personas.otp_client_for(user).get(reverse("core:workbench")))


def test_menu_is_grouped_for_every_role(personas) -> None:
    for user in (personas.owner, personas.researcher, personas.staff, personas.system_admin):
        html = _text(personas.otp_client_for(user).get(reverse("core:workbench")))
        entries = _top_level_entries(html)
        assert 3 <= len(entries) <= 10, (user.role, len(entries))
    staff = _text(personas.otp_client_for(personas.staff).get(reverse("core:workbench")))
    # Grouped, yet every page of the role is still in the menu.
    assert staff.count('class="navgroup') >= 4
    assert reverse("contracts:queue") in staff and reverse("catalogue:review") in staff


def test_unread_count_in_the_menu(personas) -> None:
    client = personas.client_for(personas.owner)
    assert 'class="badge"' not in re.search(
        r'<nav class="mainnav".*?</nav>', _text(client.get(reverse("core:workbench"))), re.S
    ).group(0)
    for n in range(3):
        Notification.objects.create(recipient=personas.owner, kind="other", title=f"消息 {n}")
    Notification.objects.create(recipient=personas.outsider, kind="other", title="别人的")
    html = _text(client.get(reverse("core:workbench")))
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S).group(0)
    assert re.search(r'class="badge"[^>]*>3<', nav)
    assert "条未读站内消息" in html
