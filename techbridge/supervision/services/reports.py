"""Filing a problem report, routing it to a department, reassigning it (转办) and adding
photos."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from techbridge.core.actors import Actor, actor_or_none
from techbridge.core.attachments import store_attachment
from techbridge.core.exceptions import TransitionError
from techbridge.core.phrases import phrase
from techbridge.core.sequences import next_number
from techbridge.organisations.models import Organisation, OrganisationKind
from techbridge.projects.models import Project, ProjectStage
from techbridge.supervision import clocks, rules
from techbridge.supervision.models import (
    DEFAULT_POLICIES,
    OPEN_STATUSES,
    Category,
    ContactLink,
    Open311Client,
    PolicyValues,
    ProblemAttachment,
    ProblemEventKind,
    ProblemReport,
    ProblemStatus,
    ReportChannel,
    RoutingRule,
    SlaPolicy,
    Urgency,
)
from techbridge.supervision.services._common import (
    audit,
    dispatchers,
    event,
    handlers_of,
    locked,
    save,
    tell,
)
from techbridge.supervision.services._text import clean_line, clean_phone, clean_text

MAX_PHOTOS = 6
PHOTO_SUFFIXES = (".png", ".jpg", ".jpeg")


def policy_values(category: str, urgency: str) -> PolicyValues:
    """The clocks configured for (category, urgency), or the defaults."""
    row = SlaPolicy.objects.filter(category=category, urgency=urgency).first()
    return row.values if row is not None else DEFAULT_POLICIES[urgency]


def route(category: str, zone_id: int | None, project: Project) -> int | None:
    """The department for a problem: the most specific routing rule, else the project's
    responsible department, else none (the dispatcher assigns it)."""
    rules_ = list(
        RoutingRule.objects.filter(Q(category=category) | Q(category=""))
        .filter(Q(zone_id=zone_id) | Q(zone__isnull=True) if zone_id else Q(zone__isnull=True))
        .values_list("category", "zone_id", "department_id")
    )
    rules_.sort(key=lambda r: (r[0] == "", r[1] is None))
    if rules_:
        return rules_[0][2]
    return project.responsible_department_id


def _check_photos(photos: Sequence[Any]) -> None:
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("Attach at most %(n)d photos.") % {"n": MAX_PHOTOS}})
    for photo in photos:
        name = (getattr(photo, "name", "") or "").lower()
        if not name.endswith(PHOTO_SUFFIXES):
            raise ValidationError(
                {"photos": _("%(name)s: attach photos as PNG or JPG files.") % {"name": name[:60]}}
            )


def _reporter(
    actor: Actor, project: Project, link: ContactLink | None, client: Open311Client | None
) -> str:
    """The channel a report comes through, once the reporter may use it (else refused)."""
    if link is not None:
        if not link.is_live or link.project_id != project.pk:
            raise PermissionDenied(_("This personal link is no longer valid."))
        return ReportChannel.LINK
    if client is not None:
        if not client.is_live:
            raise PermissionDenied(_("This client system's key has been revoked."))
        return ReportChannel.OPEN311
    if not rules.may_report(actor, project):
        raise PermissionDenied(_("You may not report problems for this project."))
    return (
        ReportChannel.WEB if rules.reports_for_itself(actor, project) else ReportChannel.ON_BEHALF
    )


@transaction.atomic
def report_create(
    *,
    actor: Actor,
    project: Project,
    category: str,
    urgency: str,
    title: str,
    description: str,
    photos: Sequence[Any] = (),
    link: ContactLink | None = None,
    client: Open311Client | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    address: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    now: datetime | None = None,
) -> ProblemReport:
    """File a problem for ``project`` (by a user, the holder of ``link`` or the Open311
    ``client``), time its clocks with the category's policy and route it. ``now``: the
    moment of filing (default: now)."""
    channel = _reporter(actor, project, link, client)
    if project.stage == ProjectStage.CANCELLED:
        raise TransitionError(_("The project is cancelled; its problems are no longer taken."))
    if category not in Category.values:
        raise ValidationError({"category": _("Choose one of the listed categories.")})
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Choose normal or urgent.")})
    title = clean_line(title, field="title", label=_("Title"), limit=120, required=True)
    description = clean_text(
        description,
        field="description",
        label=pgettext("problem", "Description"),
        limit=4000,
        required=True,
    )
    photos = list(photos)
    _check_photos(photos)
    if link is not None and not contact_name:
        contact_name, contact_phone = link.contact_name, link.contact_phone
    if channel == ReportChannel.ON_BEHALF and not contact_name:
        contact_name, contact_phone = project.contact_name, project.contact_phone
    contact_name = clean_line(
        contact_name, field="contact_name", label=_("Contact person"), limit=60, required=False
    )
    contact_phone = clean_phone(contact_phone)
    at = now or timezone.now()
    values = policy_values(category, urgency)
    calendar = clocks.current_calendar()
    spec = clocks.ClockSpec(
        values.response_unit,
        values.response_amount,
        values.resolution_unit,
        values.resolution_amount,
        values.reminder_percent,
        values.second_level_unit,
        values.second_level_amount,
    )
    timing = clocks.timing(spec, reported_at=at, calendar=calendar)
    department_id = route(category, project.zone_id, project)
    local = timezone.localtime(at)
    report = ProblemReport(
        number=f"WT{local.year}{next_number(f'supervision.report:{local.year}'):06d}",
        project=project,
        zone_id=project.zone_id,
        category=category,
        urgency=urgency,
        title=title,
        description=description,
        department_id=department_id,
        channel=channel,
        reported_by=actor_or_none(actor),
        contact_link=link,
        open311_client=client,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=(contact_email or "").strip()[:254],
        address=clean_line(address, field="address", label=_("Address"), limit=200, required=False),
        latitude=latitude,
        longitude=longitude,
        open311_token=secrets.token_hex(16) if client is not None else None,
        reported_at=at,
        calendar_edition=calendar.edition,
        response_unit=spec.response_unit,
        response_amount=spec.response_amount,
        resolution_unit=spec.resolution_unit,
        resolution_amount=spec.resolution_amount,
        reminder_percent=spec.reminder_percent,
        second_level_unit=spec.second_level_unit,
        second_level_amount=spec.second_level_amount,
        response_due_at=timing.response_due_at,
        remind_at=timing.remind_at,
        resolution_due_at=timing.resolution_due_at,
        second_level_at=timing.second_level_at,
    )
    report.next_escalation_at = clocks.next_escalation_at(clocks.EscalationState.of(report))
    report.save(force_insert=True)
    via = {"channel": channel}
    if link is not None:
        via["link"] = link.prefix
    if client is not None:
        via["client"] = client.name
    event(report, actor=actor, kind=ProblemEventKind.REPORTED, data=via, at=at)
    if department_id is not None:
        event(
            report,
            actor=None,
            kind=ProblemEventKind.ROUTED,
            at=at,
            data={"department": department_id},
        )
    for photo in photos:
        _store_photo(report, photo, actor, at)
    audit(report, actor=actor, what="report", created=True)
    link_url = report.get_absolute_url()
    if department_id is not None:
        tell(
            handlers_of(department_id),
            title=phrase(
                "New problem %(number)s: %(title)s", {"number": report.number, "title": title}
            ),
            body=phrase(
                "Urgency: %(urgency)s. Call the reporter back by %(due)s.",
                {
                    "urgency": report.get_urgency_display(),
                    "due": timezone.localtime(report.response_due_at).strftime("%Y-%m-%d %H:%M"),
                },
            ),
            link=link_url,
            actor=actor,
        )
    else:
        tell(
            dispatchers(),
            title=phrase(
                "Problem %(number)s has no department: assign it", {"number": report.number}
            ),
            link=link_url,
            actor=actor,
        )
    return report


def _store_photo(
    report: ProblemReport,
    photo: Any,
    actor: Actor,
    at: datetime | None,
    via: dict[str, str] | None = None,
) -> None:
    try:
        attachment = store_attachment(ProblemAttachment, subject=report, actor=actor, upload=photo)
    except ValidationError as exc:
        raise ValidationError(
            {"photos": [f"{(photo.name or '')[:60]}: {m}" for m in exc.messages]}
        ) from exc
    event(
        report,
        actor=actor,
        kind=ProblemEventKind.PHOTO,
        at=at,
        data={"attachment": attachment.pk, **(via or {})},
    )


@transaction.atomic
def report_add_photo(
    *, actor: Actor, report: ProblemReport, photo: Any, link: ContactLink | None = None
) -> ProblemReport:
    """Add a photo: the reporter side or the department, until the report is confirmed."""
    report = locked(report)
    if not (
        rules.reporter_side(actor, report, link)
        or rules.handles(actor, report)
        or rules.is_bureau(actor)
    ):
        raise PermissionDenied(_("You may not add photos to this problem."))
    if report.status == ProblemStatus.CONFIRMED:
        raise TransitionError(_("The problem is closed; no more photos are taken."))
    if report.attachments.count() >= MAX_PHOTOS:
        raise ValidationError({"photos": _("Attach at most %(n)d photos.") % {"n": MAX_PHOTOS}})
    _check_photos([photo])
    _store_photo(report, photo, actor, None, {"via": "link", "link": link.prefix} if link else None)
    save(report, [])
    return report


@transaction.atomic
def report_reassign(
    *, actor: Actor, report: ProblemReport, department: Organisation, reason: str
) -> ProblemReport:
    """转办: a dispatcher (bureau staff) sends an open report to another department, with a
    reason. The clocks run on; the new department accepts it afresh."""
    if not rules.is_bureau(actor):
        raise PermissionDenied(_("Only dispatchers (bureau staff) reassign problems."))
    report = locked(report)
    if report.status not in OPEN_STATUSES:
        raise TransitionError(_("Only open problems can be reassigned."))
    if department.kind != OrganisationKind.GOVERNMENT:
        raise ValidationError({"department": _("Choose a government department.")})
    if department.pk == report.department_id:
        raise ValidationError({"department": _("The problem is already with this department.")})
    reason = clean_text(reason, field="reason", label=_("Reason"), limit=1000, required=True)
    old_status, old_department = report.status, report.department_id
    report.department = department
    report.assignee = None
    fields = ["department", "assignee"]
    if report.status in {ProblemStatus.ACCEPTED, ProblemStatus.IN_PROGRESS}:
        report.status = ProblemStatus.REPORTED
        fields.append("status")
    save(report, fields)
    event(
        report,
        actor=actor,
        kind=ProblemEventKind.REASSIGNED,
        old=old_status,
        note=reason,
        data={"from": old_department, "to": department.pk},
    )
    audit(report, actor=actor, what="reassign")
    tell(
        handlers_of(department.pk),
        title=phrase(
            "Problem %(number)s was reassigned to you: %(title)s",
            {"number": report.number, "title": report.title},
        ),
        body=reason,
        link=report.get_absolute_url(),
        actor=actor,
    )
    return report
