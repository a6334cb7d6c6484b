"""Notice pages with personas: compose with a preview, the sent list with read counts, the
notice page (receipts for senders; a recipient's visit is their read receipt), who may
open what, and the group-robot pages with credentials masked."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from techbridge.audit.models import AuditEvent
from techbridge.notices import services
from techbridge.notices.models import Notice, NoticeRecipient
from techbridge.notices.tests.conftest import World
from techbridge.notifications.models import Robot, RobotKind, RobotMessage, RobotMessageStatus

pytestmark = pytest.mark.django_db

TOKEN = "3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"
SECRET = "SECa1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"


def send(world: World, **targets: Any) -> Notice:
    return services.notice_send(
        actor=targets.pop("actor", world.staff),
        kind="notice",
        title=targets.pop("title", "关于项目调度会的通知"),
        body="定于周五上午九点召开项目调度会。",
        **targets,
    )


def test_compose_preview_saves_nothing_then_send(world: World) -> None:
    client = world.personas.client_for(world.staff)
    page = client.get("/notices/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "光电产业园" in html and "贵阳国家高新区" in html and "贵阳高新区投资促进局" in html
    data = {
        "kind": "notice",
        "title": "关于报送进度的通知",
        "body": "第一段\n第二段",
        "projects": [world.alpha.pk],
        "departments": [world.department.pk],
    }
    preview = client.post("/notices/new/", {**data, "preview": "1"})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "预览" in html and "将送达 4 人的站内消息" in html  # owner, colleague, 2 handlers
    assert not Notice.objects.exists()
    sent = client.post("/notices/new/", {**data, "send": "1"})
    notice = Notice.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/notices/{notice.pk}/"
    assert NoticeRecipient.objects.filter(notice=notice).count() == 4


def test_compose_refuses_forged_targets_and_other_roles(world: World) -> None:
    client = world.personas.client_for(world.handler)
    response = client.post(
        "/notices/new/",
        {"kind": "notice", "title": "越权", "body": "x", "projects": [world.beta.pk], "send": "1"},
    )
    assert response.status_code == 400  # beta is not the handler's project
    assert not Notice.objects.exists()
    empty = client.post("/notices/new/", {"kind": "notice", "title": "空", "body": "x"})
    assert empty.status_code == 400
    assert "请至少选择一个项目" in empty.content.decode()
    for persona in (world.personas.owner, world.personas.researcher, world.personas.audit_admin):
        assert world.personas.client_for(persona).get("/notices/new/").status_code == 403
    assert world.personas.anonymous.get("/notices/new/").status_code == 302


def test_recipient_view_marks_read_and_sender_sees_receipts(world: World) -> None:
    notice = send(world, projects=[world.alpha])
    url = f"/notices/{notice.pk}/"
    staff = world.personas.client_for(world.staff)
    before = staff.get(url).content.decode()
    assert "0 / 2" in before and "未读" in before
    owner_page = world.personas.client_for(world.personas.owner).get(url)
    assert owner_page.status_code == 200
    html = owner_page.content.decode()
    assert "定于周五上午九点召开项目调度会" in html and "您于" in html
    assert "阅读回执" not in html  # a recipient sees no one else's receipt
    receipt = NoticeRecipient.objects.get(notice=notice, user=world.personas.owner)
    assert receipt.read_at is not None
    after = staff.get(url).content.decode()
    assert "1 / 2" in after and str(world.personas.owner) in after
    sent_list = staff.get("/notices/sent/").content.decode()
    assert "关于项目调度会的通知" in sent_list and "1 / 2" in sent_list
    received = world.personas.client_for(world.personas.colleague).get("/notices/received/").content
    assert "关于项目调度会的通知" in received.decode()
    # The sender's visit is no read receipt.
    assert not NoticeRecipient.objects.filter(user=world.staff).exists()


def test_who_may_open_a_notice(world: World) -> None:
    notice = send(world, actor=world.handler, projects=[world.alpha])
    url = f"/notices/{notice.pk}/"
    expect = {
        world.personas.owner: 200,  # recipient
        world.handler_colleague: 200,  # same department: supervises
        world.staff: 200,  # bureau staff: supervise all
        world.personas.outsider: 404,
        world.other_handler: 404,
        world.personas.researcher: 404,
        world.personas.system_admin: 404,
    }
    for user, status in expect.items():
        assert world.personas.client_for(user).get(url).status_code == status, user.username
    assert world.personas.anonymous.get(url).status_code == 302
    denied = AuditEvent.objects.filter(event="access_denied", object_type="notices.notice")
    assert denied.count() == 4  # every 404 for an existing notice is audited
    assert world.personas.client_for(world.other_handler).get("/notices/sent/").status_code == 200
    other_list = world.personas.client_for(world.other_handler).get("/notices/sent/")
    assert "关于项目调度会的通知" not in other_list.content.decode()
    assert world.personas.client_for(world.personas.owner).get("/notices/sent/").status_code == 403


def test_lists_cost_the_same_for_2_or_12_notices(world: World) -> None:
    def counts() -> dict[str, int]:
        out = {}
        for user, url in (
            (world.personas.owner, "/notices/received/"),
            (world.staff, "/notices/sent/"),
            (world.personas.owner, "/api/v1/notices/"),
            (world.staff, "/api/v1/notices/?box=sent"),
        ):
            client = world.personas.client_for(user)
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            out[url] = len(captured)
        return out

    for n in range(2):
        send(world, title=f"通知{n}", projects=[world.alpha])
    few = counts()
    for n in range(10):
        send(world, title=f"更多{n}", projects=[world.alpha], zones=[world.zone])
    assert counts() == few


# --- group robots --------------------------------------------------------------------------


def test_robot_pages_mask_credentials_and_audit_without_them(world: World, settings: Any) -> None:
    settings.JOBS_EAGER = False
    client = world.personas.client_for(world.staff)
    response = client.post(
        "/notices/robots/",
        {
            "name": "高新区督办群",
            "kind": RobotKind.DINGTALK,
            "webhook_url": f"https://oapi.dingtalk.com/robot/send?access_token={TOKEN}",
            "secret": SECRET,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    robot = Robot.objects.get()
    assert robot.secret == SECRET and TOKEN in robot.webhook_url  # stored as given
    for page in (client.get("/notices/robots/"), client.get(f"/notices/robots/{robot.pk}/")):
        html = page.content.decode()
        assert page.status_code == 200 and "高新区督办群" in html
        assert TOKEN not in html and SECRET not in html  # shown masked only
        assert "access_token=3f1c****" in html
    audit = AuditEvent.objects.get(object_type="notifications.robot", event="create")
    assert TOKEN not in str(audit.detail) and SECRET not in str(audit.detail)
    # Editing with blank credentials keeps them; disabling holds new messages.
    response = client.post(f"/notices/robots/{robot.pk}/", {"name": "高新区督办群"})
    assert response.status_code == 302
    robot.refresh_from_db()
    assert robot.secret == SECRET and TOKEN in robot.webhook_url and not robot.is_active
    audit = AuditEvent.objects.get(object_type="notifications.robot", event="update")
    assert audit.detail["fields"] == ["is_active"]
    client.post(f"/notices/robots/{robot.pk}/test/")
    assert RobotMessage.objects.get().status == RobotMessageStatus.HELD
    client.post(f"/notices/robots/{robot.pk}/", {"name": "高新区督办群", "is_active": "on"})
    assert RobotMessage.objects.get().status == RobotMessageStatus.QUEUED  # released


def test_robot_form_refuses_bad_addresses(world: World) -> None:
    client = world.personas.client_for(world.staff)
    for url in ("http://oapi.dingtalk.com/robot/send", "https://evil.example.org/hook"):
        response = client.post(
            "/notices/robots/", {"name": "坏", "kind": RobotKind.WECOM, "webhook_url": url}
        )
        assert response.status_code == 400
    response = client.post(
        "/notices/robots/",
        {
            "name": "企微群",
            "kind": RobotKind.WECOM,
            "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            "secret": "SECx",
        },
    )
    assert response.status_code == 400 and "只有钉钉机器人" in response.content.decode()
    assert not Robot.objects.exists()


def test_robot_pages_are_for_bureau_staff_and_the_system_administrator(world: World) -> None:
    robot = Robot.objects.create(
        name="群", kind=RobotKind.WECOM, webhook_url="https://qyapi.weixin.qq.com/x?key=k"
    )
    for user, status in (
        (world.staff, 200),
        (world.personas.system_admin, 200),
        (world.handler, 403),
        (world.personas.owner, 403),
        (world.personas.security_admin, 403),
        (world.personas.audit_admin, 403),
    ):
        client = world.personas.client_for(user)
        assert client.get("/notices/robots/").status_code == status, user.username
        assert client.get(f"/notices/robots/{robot.pk}/").status_code == status
    assert world.personas.anonymous.get("/notices/robots/").status_code == 302
