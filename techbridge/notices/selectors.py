"""Reading notices with access applied, who may send what, and who a notice reaches.

Deny by default. Bureau staff send to any project, zone, department and enabled robot and
see every notice with its receipts. A department handler sends to the projects they handle
(projects.selectors.managed_projects), the zones of those projects, their own department
and enabled robots, and sees the receipts of their department's notices. A recipient sees
the notices addressed to them, without anyone else's receipt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from techbridge.accounts.roles import ADMIN_ROLES, MEMBER_ROLES, Role
from techbridge.core.actors import is_active_user
from techbridge.notices.models import Notice, NoticeRecipient, RecipientVia
from techbridge.notifications.models import Robot, RobotMessage
from techbridge.organisations.models import Organisation, OrganisationKind
from techbridge.projects import selectors as project_selectors
from techbridge.projects.models import Project, ProjectStage, Zone

SENDER_ROLES = frozenset({Role.BUREAU_STAFF, Role.DEPARTMENT_HANDLER})
ROBOT_MANAGER_ROLES = frozenset({Role.BUREAU_STAFF, Role.SYSTEM_ADMIN})


def can_send(user: Any) -> bool:
    if not is_active_user(user) or user.role not in SENDER_ROLES:
        return False
    return user.role == Role.BUREAU_STAFF or user.organisation_id is not None


def can_manage_robots(user: Any) -> bool:
    return is_active_user(user) and user.role in ROBOT_MANAGER_ROLES


def addressable_projects(user: Any) -> QuerySet[Project]:
    if not can_send(user):
        return Project.objects.none()
    return project_selectors.managed_projects(user).exclude(stage=ProjectStage.CANCELLED)


def addressable_zones(user: Any) -> QuerySet[Zone]:
    if not can_send(user):
        return Zone.objects.none()
    if user.role == Role.BUREAU_STAFF:
        return Zone.objects.all()
    return Zone.objects.filter(
        pk__in=addressable_projects(user).filter(zone__isnull=False).values("zone_id")
    )


def addressable_departments(user: Any) -> QuerySet[Organisation]:
    if not can_send(user):
        return Organisation.objects.none()
    departments = Organisation.objects.filter(kind=OrganisationKind.GOVERNMENT)
    if user.role == Role.BUREAU_STAFF:
        return departments.order_by("name")
    return departments.filter(pk=user.organisation_id)


def usable_robots(user: Any) -> QuerySet[Robot]:
    if not can_send(user):
        return Robot.objects.none()
    return Robot.objects.filter(is_active=True).order_by("name")


def managed_robots(user: Any) -> QuerySet[Robot]:
    if not can_manage_robots(user):
        return Robot.objects.none()
    return Robot.objects.order_by("name")


# --- which notices a person sees -------------------------------------------------------------


def sent_visible_to(user: Any) -> QuerySet[Notice]:
    """Notices whose receipts ``user`` may read: everything for bureau staff, the notices
    of their own department for a department handler."""
    if not can_send(user):
        return Notice.objects.none()
    if user.role == Role.BUREAU_STAFF:
        return Notice.objects.all()
    return Notice.objects.filter(
        Q(created_by=user) | Q(sender_organisation_id=user.organisation_id)
    )


def received_by(user: Any) -> QuerySet[NoticeRecipient]:
    if not is_active_user(user):
        return NoticeRecipient.objects.none()
    return (
        NoticeRecipient.objects.filter(user_id=user.pk)
        .select_related("notice", "notice__sender_organisation", "notice__created_by")
        .order_by("-notice__sent_at", "-notice_id")
    )


def notices_visible_to(user: Any) -> QuerySet[Notice]:
    """Every notice ``user`` may open: those they may supervise and those sent to them."""
    if not is_active_user(user):
        return Notice.objects.none()
    mine = Q(pk__in=NoticeRecipient.objects.filter(user_id=user.pk).values("notice_id"))
    if can_send(user):
        mine |= Q(pk__in=sent_visible_to(user).values("pk"))
    return Notice.objects.filter(mine)


def with_read_counts(qs: QuerySet[Notice]) -> QuerySet[Notice]:
    """``qs`` annotated with ``recipient_count`` and ``read_count`` (one query)."""
    return qs.annotate(
        recipient_count=Count("recipients", distinct=True),
        read_count=Count("recipients", filter=Q(recipients__read_at__isnull=False), distinct=True),
    ).select_related("created_by", "sender_organisation")


def sent_list(user: Any, *, q: str = "", kind: str = "") -> QuerySet[Notice]:
    qs = sent_visible_to(user)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(title__icontains=q)
    return with_read_counts(qs).order_by("-sent_at", "-id")


def receipts(notice: Notice) -> QuerySet[NoticeRecipient]:
    """The notice's recipients, unread first, with who they are (one query)."""
    return (
        NoticeRecipient.objects.filter(notice=notice)
        .select_related("user", "user__organisation")
        .order_by("read_at", "id")
    )


def receipt_of(notice: Notice, user: Any) -> NoticeRecipient | None:
    if not is_active_user(user):
        return None
    return NoticeRecipient.objects.filter(notice=notice, user_id=user.pk).first()


def robot_deliveries(notice: Notice) -> list[RobotMessage]:
    """What became of the notice in each group chat (status, time; no credentials)."""
    return list(
        RobotMessage.objects.filter(key=notice.robot_key)
        .select_related("robot")
        .order_by("robot__name")
    )


# --- who a notice reaches --------------------------------------------------------------------


@dataclass(frozen=True)
class Reached:
    user: Any
    via: str
    label: str


def _eligible() -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(role__in=sorted(ADMIN_ROLES))
        .order_by("pk")
    )


def resolve_recipients(
    *,
    projects: Iterable[Project] = (),
    zones: Iterable[Zone] = (),
    departments: Iterable[Organisation] = (),
    exclude: Any = None,
) -> list[Reached]:
    """The people the targets reach, each once with the first target that reached them:
    a project's company members (its local company's member accounts); a zone's projects'
    company members and the officers responsible for those projects; a department's
    staff accounts. Inactive accounts, administrators and ``exclude`` (the sender) are left
    out. A fixed number of queries whatever the number of targets."""
    projects = list(projects)
    zones = list(zones)
    departments = list(departments)
    out: dict[int, Reached] = {}
    skip = getattr(exclude, "pk", None)

    def add(users: Iterable[Any], via: str, label_of: Any) -> None:
        for user in users:
            if user.pk != skip and user.pk not in out:
                out[user.pk] = Reached(user=user, via=via, label=label_of(user))

    members = _eligible().filter(role__in=sorted(MEMBER_ROLES))
    company_project: dict[int, str] = {}
    for project in projects:
        if project.local_company_id is not None:
            company_project.setdefault(project.local_company_id, project.name)
    if company_project:
        add(
            members.filter(organisation_id__in=list(company_project)),
            RecipientVia.PROJECT,
            lambda u: company_project[u.organisation_id],
        )
    if zones:
        zone_names = {zone.pk: zone.name for zone in zones}
        zone_projects = list(
            Project.objects.filter(zone_id__in=list(zone_names))
            .exclude(stage=ProjectStage.CANCELLED)
            .values_list("zone_id", "local_company_id", "responsible_officer_id")
        )
        company_zone: dict[int, str] = {}
        officer_zone: dict[int, str] = {}
        for zone_id, company_id, officer_id in zone_projects:
            if company_id is not None:
                company_zone.setdefault(company_id, zone_names[zone_id])
            if officer_id is not None:
                officer_zone.setdefault(officer_id, zone_names[zone_id])
        if company_zone:
            add(
                members.filter(organisation_id__in=list(company_zone)),
                RecipientVia.ZONE,
                lambda u: company_zone[u.organisation_id],
            )
        if officer_zone:
            add(
                _eligible().filter(pk__in=list(officer_zone)),
                RecipientVia.ZONE,
                lambda u: officer_zone[u.pk],
            )
    if departments:
        names = {d.pk: d.name for d in departments}
        add(
            _eligible().filter(
                organisation_id__in=list(names),
                role__in=[Role.DEPARTMENT_HANDLER, Role.BUREAU_STAFF],
            ),
            RecipientVia.DEPARTMENT,
            lambda u: names[u.organisation_id],
        )
    return list(out.values())


def received_unread_count(user: Any) -> int:
    return received_by(user).filter(read_at__isnull=True).count()
