"""Sending a notice: who it reaches and why, inbox rows, read receipts (first read only),
events and audit rows, and delivery to group robots through the robot channel."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from techbridge.audit.models import AuditEvent
from techbridge.jobs.models import Job
from techbridge.notices import selectors, services
from techbridge.notices.models import Notice, NoticeEvent, NoticeRecipient
from techbridge.notices.tests.conftest import World
from techbridge.notifications.models import (
    Notification,
    Robot,
    RobotKind,
    RobotMessage,
    RobotMessageStatus,
)

pytestmark = pytest.mark.django_db


def send(world: World, actor=None, **targets) -> Notice:  # type: ignore[no-untyped-def]
    return services.notice_send(
        actor=actor or world.staff,
        kind=targets.pop("kind", "notice"),
        title=targets.pop("title", "关于报送一季度项目进展的通知"),
        body=targets.pop("body", "请各项目单位于4月5日前报送开工和资金到位情况。"),
        **targets,
    )


def recipients(notice: Notice) -> dict[str, tuple[str, str]]:
    return {
        r.user.username: (r.via, r.via_label)
        for r in NoticeRecipient.objects.filter(notice=notice).select_related("user")
    }


def test_targets_resolve_to_people_once_with_the_first_reason(world: World) -> None:
    notice = send(
        world,
        projects=[world.alpha],
        zones=[world.zone],
        departments=[world.department],
    )
    assert recipients(notice) == {
        # the project's company members
        "owner": ("project", "光电产业园"),
        "colleague": ("project", "光电产业园"),
        # the zone: its other project's company, and the officers of its projects
        "outsider": ("zone", "贵阳国家高新区"),
        "other_handler": ("zone", "贵阳国家高新区"),
        # the handler is alpha's officer (zone) before being a department member
        "handler": ("zone", "贵阳国家高新区"),
        "handler2": ("department", "贵阳高新区投资促进局"),
    }
    # Everyone has it in the inbox, linked to the notice; the sender is not a recipient.
    inbox = Notification.objects.filter(kind="notice")
    assert inbox.count() == 6
    assert set(inbox.values_list("link", flat=True)) == {f"/notices/{notice.pk}/"}
    assert inbox.first().title == "【通知】关于报送一季度项目进展的通知"  # type: ignore[union-attr]
    assert not NoticeRecipient.objects.filter(user=world.staff).exists()
    assert all(r.notification_id for r in NoticeRecipient.objects.all())


def test_inactive_accounts_and_administrators_are_left_out(world: World) -> None:
    world.personas.colleague.is_active = False
    world.personas.colleague.save(update_fields=["is_active"])
    world.personas.system_admin.organisation = world.department
    world.personas.system_admin.save(update_fields=["organisation"])
    notice = send(world, projects=[world.alpha], departments=[world.department])
    assert set(recipients(notice)) == {"owner", "handler", "handler2"}


def test_read_receipt_is_the_first_read_and_marks_the_inbox(world: World) -> None:
    notice = send(world, projects=[world.alpha])
    owner = world.personas.owner
    receipt = services.notice_mark_read(actor=owner, notice=notice)
    assert receipt is not None and receipt.read_at is not None
    first = receipt.read_at
    again = services.notice_mark_read(actor=owner, notice=notice)
    assert again is not None and again.read_at == first  # a second open changes nothing
    assert NoticeEvent.objects.filter(notice=notice, kind="read").count() == 1
    assert Notification.objects.get(recipient=owner).read_at is not None
    assert Notification.objects.get(recipient=world.personas.colleague).read_at is None
    # Someone who was not addressed gets no receipt.
    assert services.notice_mark_read(actor=world.personas.outsider, notice=notice) is None
    counted = selectors.sent_list(world.staff).get(pk=notice.pk)
    assert (counted.read_count, counted.recipient_count) == (1, 2)  # type: ignore[attr-defined]


def test_sent_notice_writes_an_event_and_an_audit_row(world: World) -> None:
    notice = send(world, projects=[world.alpha], zones=[world.other_zone])
    event = NoticeEvent.objects.get(notice=notice, kind="sent")
    assert event.actor == world.staff
    assert event.data["recipients"] == 3 and event.data["zones"] == [world.other_zone.pk]
    audit = AuditEvent.objects.get(object_type="notices.notice", object_id=str(notice.pk))
    assert audit.event == "create" and audit.actor == world.staff


def test_refusals(world: World) -> None:
    with pytest.raises(PermissionDenied):
        send(world, actor=world.personas.owner, projects=[world.alpha])
    with pytest.raises(ValidationError) as info:
        send(world)
    assert "at least one" in " ".join(info.value.messages)
    with pytest.raises(ValidationError) as info:
        send(world, title="  ", projects=[world.alpha])
    assert "title" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        send(world, body="长" * 10_001, projects=[world.alpha])
    assert "10001" in info.value.message_dict["body"][0]
    # A handler addresses only the projects their department handles.
    with pytest.raises(ValidationError) as info:
        send(world, actor=world.handler, projects=[world.beta])
    assert "projects" in info.value.message_dict
    with pytest.raises(ValidationError):
        send(world, actor=world.handler, departments=[world.other_department])
    # A department nobody of which has an account yet reaches no one.
    empty = world.other_department.members.all()
    empty.update(is_active=False)
    with pytest.raises(ValidationError) as info:
        send(world, departments=[world.other_department])
    assert "Nobody" in " ".join(info.value.messages)
    assert not Notice.objects.exists()


def test_handler_sends_to_own_projects_zones_and_department(world: World) -> None:
    assert set(selectors.addressable_projects(world.handler)) == {world.alpha, world.gamma}
    assert set(selectors.addressable_zones(world.handler)) == {world.zone, world.other_zone}
    assert list(selectors.addressable_departments(world.handler)) == [world.department]
    notice = send(world, actor=world.handler, projects=[world.gamma])
    assert set(recipients(notice)) == {"researcher"}
    assert notice.sender_organisation == world.department
    # The department's colleague supervises it; the other department does not.
    assert selectors.sent_visible_to(world.handler_colleague).filter(pk=notice.pk).exists()
    assert not selectors.sent_visible_to(world.other_handler).filter(pk=notice.pk).exists()


def test_robots_get_the_notice_through_the_robot_channel(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.JOBS_EAGER = False
    robot = Robot.objects.create(
        name="高新区项目服务群",
        kind=RobotKind.WECOM,
        webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
    )
    disabled = Robot.objects.create(
        name="停用的群",
        kind=RobotKind.WECOM,
        webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x",
        is_active=False,
    )
    with pytest.raises(ValidationError):  # a disabled robot cannot be chosen
        send(world, robots=[disabled])
    notice = send(world, kind="briefing", title="一季度简报", robots=[robot])  # chats only
    assert not NoticeRecipient.objects.filter(notice=notice).exists()
    message = RobotMessage.objects.get()
    assert (message.robot, message.key) == (robot, f"notice:{notice.pk}")
    assert message.title == "【简报】一季度简报"
    assert message.text.startswith("请各项目单位于4月5日前报送开工和资金到位情况。\n\n—— 科技局")
    assert message.status == RobotMessageStatus.QUEUED
    job = Job.objects.get(name="notifications.robot_send")
    assert job.payload == {"message": message.pk}
    assert [m.robot for m in selectors.robot_deliveries(notice)] == [robot]


def test_a_rolled_back_send_leaves_nothing(world: World) -> None:
    robot = Robot.objects.create(
        name="群", kind=RobotKind.WECOM, webhook_url="https://qyapi.weixin.qq.com/x?key=k"
    )
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        send(world, projects=[world.alpha], robots=[robot])
        raise RuntimeError("the request fails after sending")
    assert not Notice.objects.exists()
    assert not Notification.objects.exists()
    assert not RobotMessage.objects.exists()
    assert not Job.objects.exists()
