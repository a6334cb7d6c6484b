"""Writing notices and receipts, and managing the group robots they go out through.

Every write checks who acts, runs in one transaction, writes its event and audit row; a
notice's inbox rows, e-mail jobs and robot messages are written in the sending
transaction, so a rollback sends nothing and a commit loses nothing (ADR 0011).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.core.actors import Actor, is_active_user
from techbridge.core.events import record_event
from techbridge.notices import selectors
from techbridge.notices.models import (
    Notice,
    NoticeEvent,
    NoticeEventKind,
    NoticeKind,
    NoticeRecipient,
)
from techbridge.notifications import channels
from techbridge.notifications.models import NotificationKind, Robot, RobotKind
from techbridge.notifications.services import notification_mark_read, notify
from techbridge.organisations.models import Organisation
from techbridge.projects.models import Project, Zone

TITLE_MAX = 200
BODY_MAX = 10_000
EXCERPT = 140


def _text(value: Any, field: str, limit: int, label: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationError({field: _("Enter the %(label)s.") % {"label": label}})
    if len(text) > limit:
        raise ValidationError(
            {
                field: _("The %(label)s is %(n)s characters long; at most %(limit)s.")
                % {"label": label, "n": len(text), "limit": limit}
            }
        )
    return text


def _only_allowed(chosen: Sequence[Any], allowed_ids: set[int], field: str) -> None:
    """A target the sender may not address (a forged form) refuses the whole notice."""
    for item in chosen:
        if item.pk not in allowed_ids:
            raise ValidationError(
                {field: _("You may not address “%(name)s”.") % {"name": str(item)[:80]}}
            )


def _site_language_kind(kind: str) -> str:
    # The inbox title and the group chat read the site's language, not the sender's.
    with translation.override(settings.LANGUAGE_CODE):
        return str(NoticeKind(kind).label)


def robot_text(notice: Notice) -> str:
    """What a group chat gets: the whole text and who sent it when (no link: the chat's
    members are not all recipients with access to the notice page)."""
    sender = notice.sender_organisation or notice.created_by
    stamp = timezone.localtime(notice.sent_at).strftime("%Y-%m-%d %H:%M")
    return f"{notice.body}\n\n—— {sender} · {stamp}"


@transaction.atomic
def notice_send(
    *,
    actor: Actor,
    kind: str,
    title: str,
    body: str,
    projects: Iterable[Project] = (),
    zones: Iterable[Zone] = (),
    departments: Iterable[Organisation] = (),
    robots: Iterable[Robot] = (),
) -> Notice:
    """Send a notice or briefing: resolve the targets to people (each gets it in the inbox
    and a read receipt row) and queue it for each chosen robot. Returns the notice."""
    if not selectors.can_send(actor):
        raise PermissionDenied(gettext("Only bureau staff and department handlers send notices."))
    user: Any = actor
    if kind not in NoticeKind.values:
        raise ValidationError({"kind": _("Choose notice or briefing.")})
    title = _text(title, "title", TITLE_MAX, gettext("title"))
    body = _text(body, "body", BODY_MAX, gettext("text"))
    projects, zones = list(projects), list(zones)
    departments, robots = list(departments), list(robots)
    _only_allowed(
        projects, set(selectors.addressable_projects(user).values_list("pk", flat=True)), "projects"
    )
    _only_allowed(
        zones, set(selectors.addressable_zones(user).values_list("pk", flat=True)), "zones"
    )
    _only_allowed(
        departments,
        set(selectors.addressable_departments(user).values_list("pk", flat=True)),
        "departments",
    )
    _only_allowed(robots, set(selectors.usable_robots(user).values_list("pk", flat=True)), "robots")
    if not (projects or zones or departments or robots):
        raise ValidationError(
            _("Choose at least one project, zone, department or group chat to send to.")
        )
    reached = selectors.resolve_recipients(
        projects=projects, zones=zones, departments=departments, exclude=user
    )
    if not reached and not robots:
        raise ValidationError(
            _("Nobody has an account yet in the chosen projects, zones or departments.")
        )
    notice = Notice.objects.create(
        kind=kind,
        title=title,
        body=body,
        created_by=user,
        sender_organisation_id=user.organisation_id,
        sent_at=timezone.now(),
    )
    notice.projects.set(projects)
    notice.zones.set(zones)
    notice.departments.set(departments)
    notice.robots.set(robots)
    label = _site_language_kind(kind)
    excerpt = body if len(body) <= EXCERPT else body[: EXCERPT - 1] + "…"
    sent = notify(
        recipients=[r.user for r in reached],
        kind=NotificationKind.NOTICE,
        title=f"【{label}】{title}",
        body=excerpt,
        link=notice.get_absolute_url(),
    )
    inbox = {n.recipient_id: n for n in sent if n.pk is not None}
    NoticeRecipient.objects.bulk_create(
        [
            NoticeRecipient(
                notice=notice,
                user=r.user,
                via=r.via,
                via_label=r.label[:200],
                notification=inbox.get(r.user.pk),
            )
            for r in reached
        ],
        batch_size=1000,
    )
    for robot in robots:
        channels.RobotChannel(robot).post(
            key=notice.robot_key, title=f"【{label}】{title}", text=robot_text(notice)
        )
    counts = {
        "recipients": len(reached),
        "projects": [p.pk for p in projects],
        "zones": [z.pk for z in zones],
        "departments": [d.pk for d in departments],
        "robots": [r.pk for r in robots],
    }
    record_event(NoticeEvent, subject=notice, actor=actor, kind=NoticeEventKind.SENT, data=counts)
    audit_record(AuditEventType.CREATE, actor=actor, obj=notice, detail=counts)
    return notice


@transaction.atomic
def notice_mark_read(*, actor: Actor, notice: Notice) -> NoticeRecipient | None:
    """Record that ``actor`` read ``notice`` (the first time only; later opens change
    nothing) and mark its inbox entry read. None if ``actor`` was not a recipient."""
    if not is_active_user(actor):
        return None
    receipt = (
        NoticeRecipient.objects.select_related("notification")
        .filter(notice=notice, user_id=actor.pk)
        .first()
    )
    if receipt is None:
        return None
    moment = timezone.now()
    first = NoticeRecipient.objects.filter(pk=receipt.pk, read_at__isnull=True).update(
        read_at=moment
    )
    if first:
        receipt.read_at = moment
        record_event(NoticeEvent, subject=notice, actor=actor, kind=NoticeEventKind.READ)
    if receipt.notification is not None:
        notification_mark_read(actor=actor, notification=receipt.notification)
    return receipt


# --- group robots ----------------------------------------------------------------------------


def _require_robot_manager(actor: Actor) -> Any:
    if not selectors.can_manage_robots(actor):
        raise PermissionDenied(
            gettext("Only bureau staff and the system administrator manage robots.")
        )
    return actor


def _robot_name(name: str) -> str:
    return _text(name, "name", 100, gettext("name"))


@transaction.atomic
def robot_create(
    *,
    actor: Actor,
    name: str,
    kind: str,
    webhook_url: str,
    secret: str = "",
    is_active: bool = True,
) -> Robot:
    """Add a group chat's robot. The address and secret are credentials: validated,
    stored, and never audited or logged (the audit row names the fields only)."""
    _require_robot_manager(actor)
    if kind not in RobotKind.values:
        raise ValidationError({"kind": _("Choose WeCom or DingTalk.")})
    url, secret = channels.robot_settings_checked(kind=kind, webhook_url=webhook_url, secret=secret)
    try:
        with transaction.atomic():
            robot = Robot.objects.create(
                name=_robot_name(name),
                kind=kind,
                webhook_url=url,
                secret=secret,
                is_active=is_active,
            )
    except IntegrityError:
        raise ValidationError({"name": _("A robot of this name exists already.")}) from None
    audit_record(
        AuditEventType.CREATE,
        actor=actor,
        obj=robot,
        detail={"kind": kind, "signed": bool(secret), "active": is_active},
    )
    return robot


@transaction.atomic
def robot_update(
    *,
    actor: Actor,
    robot: Robot,
    name: str,
    is_active: bool,
    webhook_url: str = "",
    secret: str = "",
    clear_secret: bool = False,
) -> Robot:
    """Rename, enable or disable a robot, or replace its address or secret (blank keeps
    the stored one). Enabling re-queues the messages it held while disabled."""
    _require_robot_manager(actor)
    robot = Robot.objects.select_for_update().get(pk=robot.pk)
    changed: list[str] = []
    new_name = _robot_name(name)
    if new_name != robot.name:
        robot.name = new_name
        changed.append("name")
    if webhook_url.strip():
        url, _secret = channels.robot_settings_checked(
            kind=robot.kind, webhook_url=webhook_url, secret=""
        )
        if url != robot.webhook_url:
            robot.webhook_url = url
            changed.append("webhook_url")
    if clear_secret and robot.secret:
        robot.secret = ""
        changed.append("secret")
    elif secret.strip():
        _url, new_secret = channels.robot_settings_checked(
            kind=robot.kind, webhook_url=robot.webhook_url, secret=secret
        )
        if new_secret != robot.secret:
            robot.secret = new_secret
            changed.append("secret")
    was_active = robot.is_active
    if bool(is_active) != was_active:
        robot.is_active = bool(is_active)
        changed.append("is_active")
    if not changed:
        return robot
    try:
        with transaction.atomic():
            robot.save(update_fields=[*changed, "updated_at"])
    except IntegrityError:
        raise ValidationError({"name": _("A robot of this name exists already.")}) from None
    released = channels.robot_release_held(robot) if robot.is_active and not was_active else 0
    audit_record(
        AuditEventType.UPDATE,
        actor=actor,
        obj=robot,
        detail={"fields": changed, "released": released},
    )
    return robot


@transaction.atomic
def robot_test(*, actor: Actor, robot: Robot) -> None:
    """Queue a short test message to ``robot`` (to check its address and secret)."""
    _require_robot_manager(actor)
    with translation.override(settings.LANGUAGE_CODE):
        title = gettext("techbridge test message")
        text = gettext("If this message arrives, the robot is set up correctly.")
    channels.RobotChannel(robot).post(key=f"test:{uuid.uuid4().hex}", title=title, text=text)
    audit_record(AuditEventType.UPDATE, actor=actor, obj=robot, detail={"action": "test message"})
