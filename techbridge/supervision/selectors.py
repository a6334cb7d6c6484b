"""Reading problem reports with object-level access applied, and the supervision figures.

Visibility (deny by default): bureau staff see every report; a department handler those of
their department and of the projects they are the responsible officer of; a department's
head those of the department; members of a project's local company that project's; anyone
the reports they filed. Everyone else sees nothing (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
)
from django.utils import timezone

from techbridge.accounts.roles import Role
from techbridge.core.actors import is_active_user
from techbridge.organisations.models import Organisation
from techbridge.supervision import rules
from techbridge.supervision.models import (
    CLOSED_STATUSES,
    ESCALATION_KINDS,
    OPEN_STATUSES,
    ContactLink,
    Department,
    Escalation,
    ExtensionStatus,
    Open311Client,
    ProblemEvent,
    ProblemReport,
    ProblemStatus,
    RoutingRule,
)

SATISFIED = 4  # a rating of 4 or 5 of 5 counts as satisfied (满意)


def reports_visible_to(user: Any) -> QuerySet[ProblemReport]:
    qs = ProblemReport.objects.all()
    if not is_active_user(user):
        return qs.none()
    if rules.is_bureau(user):
        return qs
    mine = Q(reported_by=user)
    if user.role == Role.DEPARTMENT_HANDLER:
        condition = (
            mine | Q(project__responsible_officer=user) | Q(department__supervision_desk__head=user)
        )
        if user.organisation_id:
            condition |= Q(department_id=user.organisation_id)
        return qs.filter(condition)
    if user.role == Role.ENTERPRISE_MEMBER and user.organisation_id:
        return qs.filter(mine | Q(project__local_company_id=user.organisation_id))
    return qs.filter(mine)


def reports_of_link(link: ContactLink) -> QuerySet[ProblemReport]:
    """What the holder of a personal link follows: the reports filed through it."""
    return ProblemReport.objects.filter(contact_link=link).order_by("-reported_at", "-id")


def may_see_supervision(user: Any) -> bool:
    """The supervision views (figures, overdue lists): bureau staff and handlers."""
    return rules.is_bureau(user) or rules.is_handler(user)


def supervised_reports(user: Any) -> QuerySet[ProblemReport]:
    """Reports a supervision view covers: all for bureau staff, the department's for a
    handler or head."""
    if rules.is_bureau(user):
        return ProblemReport.objects.all()
    if rules.is_handler(user):
        return ProblemReport.objects.filter(
            Q(department_id=user.organisation_id) | Q(department__supervision_desk__head=user)
        )
    return ProblemReport.objects.none()


def report_list(
    user: Any, *, q: str = "", status: str = "", category: str = "", department: str = ""
) -> QuerySet[ProblemReport]:
    qs = reports_visible_to(user).select_related("project", "department")
    if q:
        qs = qs.filter(
            Q(number__iexact=q.strip()) | Q(title__icontains=q) | Q(project__name__icontains=q)
        )
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if department.isdigit():
        qs = qs.filter(department_id=int(department))
    return qs.order_by("-reported_at", "-id")


def get_by_number(user: Any, number: str) -> ProblemReport | None:
    return reports_visible_to(user).filter(number=number).first()


def history(report: ProblemReport) -> QuerySet[ProblemEvent]:
    return report.events.select_related("actor").order_by("at", "id")


def escalation_history(report: ProblemReport) -> QuerySet[Escalation]:
    return report.escalations.order_by("at", "id")


def pending_extension(report: ProblemReport) -> Any:
    return (
        report.extensions.filter(status=ExtensionStatus.PENDING)
        .select_related("requested_by")
        .first()
    )


# --- time left ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """A deadline as shown: when, and how long is left (negative: overdue)."""

    due: datetime | None
    left: timedelta | None

    @property
    def overdue(self) -> bool:
        return self.left is not None and self.left < timedelta(0)


def resolution_clock(report: ProblemReport, now: datetime | None = None) -> Clock:
    now = now or timezone.now()
    if report.resolution_due_at is None:
        return Clock(None, None)
    end = report.resolved_at if report.status in CLOSED_STATUSES else now
    return Clock(report.resolution_due_at, report.resolution_due_at - (end or now))


def response_clock(report: ProblemReport, now: datetime | None = None) -> Clock:
    now = now or timezone.now()
    end = report.responded_at or now
    return Clock(report.response_due_at, report.response_due_at - end)


def open_by_department(user: Any, now: datetime | None = None) -> list[dict[str, Any]]:
    """Open reports grouped by department, soonest deadline first, with time left."""
    now = now or timezone.now()
    reports = (
        supervised_reports(user)
        .filter(status__in=OPEN_STATUSES)
        .select_related("project", "department")
        .order_by(F("resolution_due_at").asc(nulls_last=True), "pk")
    )
    groups: dict[int | None, dict[str, Any]] = {}
    for report in reports[:2000]:
        group = groups.setdefault(
            report.department_id,
            {"department": report.department, "reports": [], "overdue": 0},
        )
        clock = resolution_clock(report, now)
        group["reports"].append({"report": report, "clock": clock})
        group["overdue"] += int(clock.overdue)
    return sorted(
        groups.values(), key=lambda g: (g["department"] is None, str(g["department"] or ""))
    )


def overdue_reports(user: Any, now: datetime | None = None) -> QuerySet[ProblemReport]:
    """Open reports past their resolution deadline, or with no callback past the response
    deadline; oldest deadline first."""
    now = now or timezone.now()
    return (
        supervised_reports(user)
        .filter(status__in=OPEN_STATUSES)
        .filter(
            Q(resolution_due_at__lt=now) | Q(responded_at__isnull=True, response_due_at__lt=now)
        )
        .select_related("project", "department")
        .order_by(F("resolution_due_at").asc(nulls_last=True), "response_due_at", "pk")
    )


def recent_escalations(user: Any, limit: int = 50) -> QuerySet[ProblemEvent]:
    return (
        ProblemEvent.objects.filter(kind__in=ESCALATION_KINDS, report__in=supervised_reports(user))
        .select_related("report", "report__department")
        .order_by("-at", "-id")[:limit]
    )


# --- figures per department and period ------------------------------------------------------


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _hours(value: timedelta | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.total_seconds()) / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class DepartmentFigures:
    department_id: int | None
    name: str
    reported: int
    response_due: int
    responded_on_time: int
    resolution_due: int
    closed_on_time: int
    avg_response_hours: Decimal | None
    avg_resolution_hours: Decimal | None
    rated: int
    satisfied: int
    resolved_ever: int
    reopened: int

    @property
    def response_rate(self) -> Decimal | None:
        return _rate(self.responded_on_time, self.response_due)

    @property
    def on_time_rate(self) -> Decimal | None:
        """按时办结率 = closed on time / due."""
        return _rate(self.closed_on_time, self.resolution_due)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return _rate(self.satisfied, self.rated)

    @property
    def reopen_rate(self) -> Decimal | None:
        return _rate(self.reopened, self.resolved_ever)


def department_figures(
    user: Any, *, start: datetime, end: datetime, now: datetime | None = None
) -> list[DepartmentFigures]:
    """The figures of the reports filed in [start, end), per department (one query).

    * response rate: called back by the response deadline / reports whose response was
      due by now or given;
    * on-time resolution rate (按时办结率): resolved by the (extended) deadline / reports
      due by now or resolved;
    * average hours to respond and to resolve (calendar time);
    * satisfaction rate: ratings of 4–5 / ratings; reopen rate: reopened / ever resolved.
    """
    now = now or timezone.now()
    closed = Q(status__in=CLOSED_STATUSES)
    response_due = Q(responded_at__isnull=False) | Q(response_due_at__lte=now)
    resolution_due = closed | Q(resolution_due_at__lte=now)
    rows = (
        supervised_reports(user)
        .filter(reported_at__gte=start, reported_at__lt=end)
        .values("department_id")
        .annotate(
            reported=Count("pk"),
            response_due=Count("pk", filter=response_due),
            responded_on_time=Count("pk", filter=Q(responded_at__lte=F("response_due_at"))),
            resolution_due=Count("pk", filter=resolution_due),
            closed_on_time=Count("pk", filter=closed & Q(resolved_at__lte=F("resolution_due_at"))),
            avg_response=Avg(
                ExpressionWrapper(
                    F("responded_at") - F("reported_at"), output_field=DurationField()
                ),
                filter=Q(responded_at__isnull=False),
            ),
            avg_resolution=Avg(
                ExpressionWrapper(
                    F("resolved_at") - F("reported_at"), output_field=DurationField()
                ),
                filter=closed,
            ),
            rated=Count("pk", filter=Q(rating__isnull=False)),
            satisfied=Count("pk", filter=Q(rating__gte=SATISFIED)),
            resolved_ever=Count("pk", filter=closed | Q(reopen_count__gt=0)),
            reopened=Count("pk", filter=Q(reopen_count__gt=0)),
        )
        .order_by("department_id")
    )
    names = dict(
        Organisation.objects.filter(
            pk__in=[r["department_id"] for r in rows if r["department_id"]]
        ).values_list("pk", "name")
    )
    out = [
        DepartmentFigures(
            department_id=r["department_id"],
            name=names.get(r["department_id"], ""),
            reported=r["reported"],
            response_due=r["response_due"],
            responded_on_time=r["responded_on_time"],
            resolution_due=r["resolution_due"],
            closed_on_time=r["closed_on_time"],
            avg_response_hours=_hours(_duration(r["avg_response"])),
            avg_resolution_hours=_hours(_duration(r["avg_resolution"])),
            rated=r["rated"],
            satisfied=r["satisfied"],
            resolved_ever=r["resolved_ever"],
            reopened=r["reopened"],
        )
        for r in rows
    ]
    return sorted(out, key=lambda f: (f.department_id is None, f.name))


def _duration(value: Any) -> timedelta | None:
    """Avg of a duration: a timedelta (PostgreSQL) or microseconds (SQLite)."""
    if value is None or isinstance(value, timedelta):
        return value
    return timedelta(microseconds=float(value))


def totals(figures: list[DepartmentFigures]) -> DepartmentFigures | None:
    """All departments together (averages weighted by the counts behind them)."""
    if not figures:
        return None

    def weighted(attr: str, weight: str) -> Decimal | None:
        pairs = [
            (getattr(f, attr), getattr(f, weight)) for f in figures if getattr(f, attr) is not None
        ]
        count = sum(w for _v, w in pairs)
        if not count:
            return None
        return (sum(v * w for v, w in pairs) / count).quantize(Decimal("0.1"))

    return DepartmentFigures(
        department_id=None,
        name="",
        reported=sum(f.reported for f in figures),
        response_due=sum(f.response_due for f in figures),
        responded_on_time=sum(f.responded_on_time for f in figures),
        resolution_due=sum(f.resolution_due for f in figures),
        closed_on_time=sum(f.closed_on_time for f in figures),
        avg_response_hours=weighted("avg_response_hours", "response_due"),
        avg_resolution_hours=weighted("avg_resolution_hours", "resolved_ever"),
        rated=sum(f.rated for f in figures),
        satisfied=sum(f.satisfied for f in figures),
        resolved_ever=sum(f.resolved_ever for f in figures),
        reopened=sum(f.reopened for f in figures),
    )


# --- configuration pages --------------------------------------------------------------------


def departments() -> QuerySet[Department]:
    return Department.objects.select_related("organisation", "head", "supervised_by__organisation")


def routing_rules() -> QuerySet[RoutingRule]:
    return RoutingRule.objects.select_related("zone", "department")


def contact_links(project_id: int | None = None) -> QuerySet[ContactLink]:
    qs = ContactLink.objects.select_related("project", "issued_by")
    return qs.filter(project_id=project_id) if project_id else qs


def open311_clients() -> QuerySet[Open311Client]:
    return Open311Client.objects.all()


# --- what the pages offer ------------------------------------------------------------------


def actions_for(user: Any, report: ProblemReport, link: ContactLink | None = None) -> set[str]:
    """The actions ``user`` (or the holder of ``link``) may take on ``report`` now."""
    status = report.status
    allowed: set[str] = set()
    if link is None and rules.handles(user, report):
        if status == ProblemStatus.REPORTED:
            allowed.add("accept")
        if status == ProblemStatus.ACCEPTED:
            allowed.add("start")
        if status in {ProblemStatus.ACCEPTED, ProblemStatus.IN_PROGRESS}:
            allowed |= {"wait", "resolve"}
        if status == ProblemStatus.WAITING:
            allowed.add("resume")
        if status in OPEN_STATUSES and pending_extension(report) is None:
            allowed.add("extend")
    if rules.reporter_side(user, report, link):
        if status == ProblemStatus.WAITING:
            allowed.add("reply")
        if status == ProblemStatus.RESOLVED:
            allowed |= {"confirm", "reopen"}
    if (
        status in CLOSED_STATUSES
        and report.rating is None
        and (rules.reporter_side(user, report, link) or (link is None and rules.is_bureau(user)))
    ):
        allowed.add("rate")
    if link is None and rules.is_bureau(user) and status in OPEN_STATUSES:
        allowed.add("reassign")
    if status != ProblemStatus.CONFIRMED and (
        rules.reporter_side(user, report, link)
        or (link is None and (rules.handles(user, report) or rules.is_bureau(user)))
    ):
        allowed.add("photo")
    pending = pending_extension(report) if link is None else None
    if (
        pending is not None
        and pending.requested_by_id != getattr(user, "pk", None)
        and (rules.may_decide_extension(user, report))
    ):
        allowed.add("decide")
    return allowed


def sees_contacts(user: Any, report: ProblemReport) -> bool:
    """Whether the reporter's name and phone are shown unmasked (PIPL): to those who
    handle the report and to bureau staff."""
    return rules.is_bureau(user) or rules.handles(user, report)
