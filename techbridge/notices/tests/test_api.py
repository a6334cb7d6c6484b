"""The notices API: send, the received and sent lists, a notice with receipts for its
senders only, mark read; the error format for refused input; the OpenAPI schema."""

from __future__ import annotations

import pytest

from techbridge.notices.models import Notice, NoticeRecipient
from techbridge.notices.tests.conftest import World
from techbridge.notifications.models import Robot, RobotKind, RobotMessage

pytestmark = pytest.mark.django_db


def test_send_list_detail_and_mark_read(world: World) -> None:
    staff = world.personas.client_for(world.staff)
    robot = Robot.objects.create(
        name="项目服务群", kind=RobotKind.WECOM, webhook_url="https://qyapi.weixin.qq.com/x?key=k"
    )
    response = staff.post(
        "/api/v1/notices/",
        {
            "kind": "briefing",
            "title": "一季度项目简报",
            "body": "开工率 91.51%。",
            "projects": [world.alpha.pk],
            "zones": [world.other_zone.pk],
            "robots": [robot.pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["kind"] == "briefing" and created["sender"] == str(world.staff)
    assert (created["recipient_count"], created["read_count"]) == (3, 0)
    assert {r["recipient"] for r in created["receipts"]} == {"owner", "colleague", "researcher"}
    assert created["robots"] == [
        {"robot": "项目服务群", "status": "queued", "attempts": 0, "sent_at": None}
    ]
    notice_id = created["id"]
    assert RobotMessage.objects.filter(key=f"notice:{notice_id}").count() == 1

    owner = world.personas.client_for(world.personas.owner)
    rows = owner.get("/api/v1/notices/").json()["results"]
    assert [(r["notice"]["id"], r["read_at"]) for r in rows] == [(notice_id, None)]
    detail = owner.get(f"/api/v1/notices/{notice_id}/").json()
    assert detail["receipts"] is None and detail["read_at"] is None  # GET changes nothing
    read = owner.post(f"/api/v1/notices/{notice_id}/read/")
    assert read.status_code == 200 and read.json()["read_at"]
    again = owner.post(f"/api/v1/notices/{notice_id}/read/")
    assert again.json()["read_at"] == read.json()["read_at"]
    assert owner.get("/api/v1/notices/?unread=true").json()["results"] == []
    sent = staff.get("/api/v1/notices/?box=sent").json()["results"]
    assert [(s["id"], s["read_count"], s["recipient_count"]) for s in sent] == [(notice_id, 1, 3)]
    assert staff.get(f"/api/v1/notices/{notice_id}/").json()["read_count"] == 1


def test_refusals_use_the_error_format(world: World) -> None:
    handler = world.personas.client_for(world.handler)
    response = handler.post(
        "/api/v1/notices/",
        {"title": "越权", "body": "x", "projects": [world.beta.pk]},
        content_type="application/json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and "projects" in error["fields"]
    assert str(world.beta.pk) in error["fields"]["projects"][0]
    response = handler.post(
        "/api/v1/notices/", {"title": "空", "body": "x"}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["error"]["message"]
    response = handler.post(
        "/api/v1/notices/",
        {"title": 5, "body": "x", "projects": [world.alpha.pk]},
        content_type="application/json",
    )
    assert response.status_code == 400 and "title" in response.json()["error"]["fields"]
    owner = world.personas.client_for(world.personas.owner)
    response = owner.post(
        "/api/v1/notices/",
        {"title": "t", "body": "x", "projects": [world.alpha.pk]},
        content_type="application/json",
    )
    assert response.status_code == 404  # not a sender: denied (and audited)
    assert not Notice.objects.exists()
    assert world.personas.anonymous.get("/api/v1/notices/").status_code in (401, 403)
    assert world.personas.client_for(world.staff).get("/api/v1/notices/?box=x").status_code == 400


def test_others_cannot_read_or_mark(world: World) -> None:
    staff = world.personas.client_for(world.staff)
    notice_id = staff.post(
        "/api/v1/notices/",
        {"title": "t", "body": "x", "projects": [world.alpha.pk]},
        content_type="application/json",
    ).json()["id"]
    outsider = world.personas.client_for(world.personas.outsider)
    assert outsider.get(f"/api/v1/notices/{notice_id}/").status_code == 404
    assert outsider.post(f"/api/v1/notices/{notice_id}/read/").status_code == 404
    # A supervisor who is no recipient has nothing to mark.
    assert staff.post(f"/api/v1/notices/{notice_id}/read/").status_code == 404
    assert not NoticeRecipient.objects.filter(read_at__isnull=False).exists()


def test_schema_lists_the_notice_endpoints(world: World) -> None:
    schema = world.personas.client_for(world.staff).get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/notices/"])
    assert "get" in paths["/api/v1/notices/{id}/"]
    assert "post" in paths["/api/v1/notices/{id}/read/"]
