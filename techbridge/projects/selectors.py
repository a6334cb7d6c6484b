"""Reading the ledger with object-level access applied, and who may do what.

Deny by default. Bureau staff (科技局 / 投促局, the ledger keepers) see and edit every
project; a department handler sees and edits the projects their department is responsible
for, and those they are the responsible officer of; a member of the local company sees
that company's projects (read only). Everyone else sees nothing (404).

KPIs, overdue lists and the briefing are in ``kpis.py`` and read through here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from techbridge.accounts.roles import Role
from techbridge.core.actors import is_active_user
from techbridge.projects.models import Batch, FundingEntry, Project, ProjectStage, Zone


def is_ledger_keeper(user: Any) -> bool:
    """Bureau staff keep the whole ledger: create, import, assign departments."""
    return is_active_user(user) and user.role == Role.BUREAU_STAFF


def is_handler(user: Any) -> bool:
    return (
        is_active_user(user)
        and user.role == Role.DEPARTMENT_HANDLER
        and user.organisation_id is not None
    )


def sees_ledger(user: Any) -> bool:
    """May open the ledger pages, KPIs and briefing (over what they may see)."""
    return is_ledger_keeper(user) or is_handler(user)


def projects_visible_to(user: Any) -> QuerySet[Project]:
    qs = Project.objects.all()
    if not is_active_user(user):
        return qs.none()
    if is_ledger_keeper(user):
        return qs
    if user.role == Role.DEPARTMENT_HANDLER:
        condition = Q(responsible_officer=user)
        if user.organisation_id:
            condition |= Q(responsible_department_id=user.organisation_id)
        return qs.filter(condition)
    if user.is_member and user.organisation_id:
        return qs.filter(local_company_id=user.organisation_id)
    return qs.none()


def managed_projects(user: Any) -> QuerySet[Project]:
    """The projects ``user`` may edit (the KPIs of a handler cover these)."""
    if is_ledger_keeper(user):
        return Project.objects.all()
    if is_active_user(user) and user.role == Role.DEPARTMENT_HANDLER:
        return projects_visible_to(user)
    return Project.objects.none()


def can_edit(user: Any, project: Project) -> bool:
    if is_ledger_keeper(user):
        return True
    if not (is_active_user(user) and user.role == Role.DEPARTMENT_HANDLER):
        return False
    return bool(
        (user.organisation_id and project.responsible_department_id == user.organisation_id)
        or project.responsible_officer_id == user.pk
    )


def can_change_stage(user: Any, project: Project) -> bool:
    return can_edit(user, project) and project.stage != ProjectStage.CANCELLED


def can_create(user: Any) -> bool:
    """Bureau staff, and handlers for their own department."""
    return is_ledger_keeper(user) or is_handler(user)


def can_see_contacts(user: Any, project: Project) -> bool:
    """The contact person's data unmasked: those who handle the project, and the local
    company's own members (it is their contact)."""
    if can_edit(user, project):
        return True
    return bool(
        is_active_user(user)
        and project.local_company_id is not None
        and user.organisation_id == project.local_company_id
    )


def project_list(
    *,
    user: Any,
    q: str = "",
    batch: int | None = None,
    zone: int | None = None,
    stage: str = "",
    region: str = "",
    department: int | None = None,
    contract_type: bool | None = None,
) -> QuerySet[Project]:
    qs = projects_visible_to(user)
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(code=q.upper())
            | Q(investor_name__icontains=q)
            | Q(local_company_name__icontains=q)
        )
    if batch:
        qs = qs.filter(batch_id=batch)
    if zone:
        qs = qs.filter(zone_id=zone)
    if stage:
        qs = qs.filter(stage=stage)
    if region:
        qs = qs.filter(region_code__startswith=region)
    if department:
        qs = qs.filter(responsible_department_id=department)
    if contract_type is not None:
        qs = qs.filter(is_contract_type=contract_type)
    return qs.select_related("batch", "zone", "responsible_department").order_by(
        "-signed_on", "code"
    )


def get_by_code(user: Any, code: str) -> Project | None:
    """The visible project with this code (None if absent or hidden)."""
    return projects_visible_to(user).filter(code=code).first()


def project_by_code(code: str) -> Project | None:
    """Any project by code, whoever asks (for other apps that link to one)."""
    return Project.objects.filter(code=code).first()


def batches() -> QuerySet[Batch]:
    return Batch.objects.order_by("-signed_on", "-id")


def zones() -> QuerySet[Zone]:
    return Zone.objects.order_by("region_code", "name")


def funding_history(project: Project) -> QuerySet[FundingEntry]:
    return project.funding.select_related("created_by", "corrects").order_by("entry_date", "id")


def funding_visible_to(user: Any) -> QuerySet[FundingEntry]:
    return FundingEntry.objects.filter(project__in=projects_visible_to(user).values("pk"))


def events(project: Project) -> QuerySet[Any]:
    return project.events.select_related("actor").order_by("at", "id")


# --- KPIs and the briefing for other apps (notices sends the briefing) ----------------------


def ledger_kpis(user: Any, *, group_by: str = "", **scope_args: Any) -> Any:
    """KPIs over the projects ``user`` handles (kpis.ledger_kpis; ``None`` = all)."""
    from techbridge.projects import kpis

    projects = Project.objects.all() if user is None else managed_projects(user)
    return kpis.ledger_kpis(kpis.scope(projects, **scope_args), group_by=group_by)


def monthly_briefing(
    user: Any, *, month: Any, batch: int | None = None, zone: int | None = None
) -> Any:
    """The monthly briefing over the projects ``user`` handles (``None`` = all)."""
    from techbridge.projects import briefing, kpis

    projects = Project.objects.all() if user is None else managed_projects(user)
    return briefing.monthly_briefing(kpis.scope(projects, batch=batch, zone=zone), month=month)
