"""Ledger services: batches, zones, projects, stage changes, funds in place, links.

Each is one transaction that writes the change, a ProjectEvent row and an audit row.
Funds in place are FundingEntry rows; ``Project.funds_in_place`` is their sum, moved by
the same amount with an ``F()`` update in the same transaction (never read, add and
write back), so it stays exact under concurrent entries.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.brokerage.selectors import deals_visible_to
from techbridge.codes import selectors as codes
from techbridge.contracts.selectors import contracts_visible_to
from techbridge.core.actors import Actor, actor_or_none
from techbridge.core.events import record_event
from techbridge.core.exceptions import ConflictError, TransitionError
from techbridge.core.money import to_fen
from techbridge.core.sequences import advance_to, next_number
from techbridge.organisations.models import Organisation
from techbridge.projects import selectors
from techbridge.projects.fields import (
    ASSIGNMENT_FIELDS,
    CONTACT_FIELDS,
    INITIAL_STAGE_FIELDS,
    PROJECT_FIELDS,
)
from techbridge.projects.models import (
    REASON_STAGES,
    TRANSITIONS,
    Batch,
    FundingEntry,
    Project,
    ProjectEvent,
    ProjectEventKind,
    ProjectStage,
    Zone,
)
from techbridge.projects.validation import check_whole, clean_money, clean_project, fill_defaults

CODE_RE = re.compile(r"^XM(\d{4})(\d{5})$")


def code_scope(year: int) -> str:
    return f"projects.code:{year}"


def new_code(*, year: int | None = None) -> str:
    """The next project code XM<year><5 digits> (inside the caller's transaction)."""
    year = year or timezone.localdate().year
    return f"XM{year}{next_number(code_scope(year)):05d}"


def plain(value: Any) -> Any:
    """A value as it is written into an event's data (no personal data is passed here)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def _require(actor: Actor, condition: bool, message: str) -> None:
    """Deny unless ``condition``; ``actor`` None is the system (commands, jobs, the demo),
    which views never pass (they pass request.user, anonymous included)."""
    if actor is not None and not condition:
        raise PermissionDenied(message)


# --- batches and zones ---------------------------------------------------------------------


@transaction.atomic
def batch_create(
    *, actor: Actor, name: str, signed_on: dt.date, source_event: str = "", note: str = ""
) -> Batch:
    _require(actor, selectors.is_ledger_keeper(actor), _("Only bureau staff keep signing batches."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Name the signing batch.")]})
    if not isinstance(signed_on, dt.date):
        raise ValidationError({"signed_on": [_("Give the signing date.")]})
    if Batch.objects.filter(name=name).exists():
        raise ValidationError({"name": [_("A batch with this name exists already.")]})
    batch = Batch.objects.create(
        name=name, signed_on=signed_on, source_event=(source_event or "").strip(), note=note
    )
    audit_record(AuditEventType.CREATE, actor=actor, obj=batch)
    return batch


@transaction.atomic
def batch_update(*, actor: Actor, batch: Batch, **data: Any) -> Batch:
    _require(actor, selectors.is_ledger_keeper(actor), _("Only bureau staff keep signing batches."))
    allowed = {"name", "signed_on", "source_event", "note"}
    changed = [k for k, v in data.items() if k in allowed and getattr(batch, k) != v]
    for name in changed:
        setattr(batch, name, data[name])
    if "name" in changed and Batch.objects.filter(name=batch.name).exclude(pk=batch.pk).exists():
        raise ValidationError({"name": [_("A batch with this name exists already.")]})
    if changed:
        batch.save(update_fields=[*changed, "updated_at"])
        audit_record(AuditEventType.UPDATE, actor=actor, obj=batch, detail={"fields": changed})
    return batch


@transaction.atomic
def zone_create(*, actor: Actor, name: str, region_code: str, description: str = "") -> Zone:
    _require(
        actor, selectors.is_ledger_keeper(actor), _("Only bureau staff keep the list of zones.")
    )
    name, region_code = (name or "").strip(), (region_code or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Name the zone.")]
    if not codes.is_valid_region(region_code):
        errors["region_code"] = [
            _("Unknown region code %(code)s (GB/T 2260).") % {"code": region_code}
        ]
    if not errors and Zone.objects.filter(name=name, region_code=region_code).exists():
        errors["name"] = [_("This region has a zone of that name already.")]
    if errors:
        raise ValidationError(errors)
    zone = Zone.objects.create(name=name, region_code=region_code, description=description)
    audit_record(AuditEventType.CREATE, actor=actor, obj=zone)
    return zone


# --- projects ------------------------------------------------------------------------------


def _current(project: Project) -> dict[str, Any]:
    values = {name: getattr(project, name) for name in PROJECT_FIELDS}
    values["stage"] = project.stage
    values["stage_reason"] = project.stage_reason
    return values


def _check_assignment(actor: Actor, values: dict[str, Any]) -> None:
    """A handler writes only projects of their own department (filled in when empty)."""
    if actor is None or selectors.is_ledger_keeper(actor):
        return
    own = getattr(actor, "organisation_id", None)
    department = values.get("responsible_department")
    if department is None and own is not None:
        values["responsible_department"] = Organisation.objects.get(pk=own)
        return
    if getattr(department, "pk", None) != own:
        raise ValidationError(
            {
                "responsible_department": [
                    _("A department handler enters projects of their own department only.")
                ]
            }
        )


def _field_changes(before: dict[str, Any], after: dict[str, Any], names: Iterable[str]) -> dict:
    """Old → new of each changed field for the event; personal data by name only."""
    changes: dict[str, Any] = {}
    for name in names:
        if name in CONTACT_FIELDS:
            changes[name] = "changed"
        else:
            changes[name] = [plain(before.get(name)), plain(after.get(name))]
    return changes


@transaction.atomic
def project_create(*, actor: Actor, code: str = "", **data: Any) -> Project:
    """A new project from PROJECT_FIELDS (and an initial stage, for projects entered
    after the fact). ``code`` is given only by imports of codes issued here before."""
    unknown = set(data) - set(PROJECT_FIELDS) - set(INITIAL_STAGE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    _require(
        actor,
        selectors.can_create(actor),
        _("Only bureau staff and department handlers enter projects."),
    )
    cleaned = clean_project(data)
    fill_defaults(cleaned)
    cleaned.setdefault("stage", ProjectStage.SIGNED)
    _check_assignment(actor, cleaned)
    check_whole(cleaned)
    project = Project(**cleaned, created_by=actor_or_none(actor))
    project.code = _issue_code(code)
    if project.stage != ProjectStage.SIGNED:
        project.stage_changed_on = project.in_production_on or project.started_on
    try:
        with transaction.atomic():
            project.save(force_insert=True)
    except IntegrityError as exc:
        raise _unique_error(exc) from exc
    record_event(
        ProjectEvent,
        subject=project,
        actor=actor,
        kind=ProjectEventKind.CREATED,
        to_state=project.stage,
        note=project.stage_reason,
    )
    audit_record(AuditEventType.CREATE, actor=actor, obj=project)
    return project


def _issue_code(code: str) -> str:
    code = (code or "").strip().upper()
    if not code:
        return new_code()
    match = CODE_RE.match(code)
    if not match:
        raise ValidationError(
            {
                "code": [
                    _(
                        "A project code reads XM, the year and five digits (XM202600001): "
                        "%(v)s. Keep other numbers in the external id."
                    )
                    % {"v": code[:30]}
                ]
            }
        )
    # A code issued here before (an export re-imported elsewhere): never give it again.
    advance_to(code_scope(int(match.group(1))), int(match.group(2)))
    return code


def _unique_error(exc: IntegrityError) -> ValidationError:
    text = str(exc).lower()
    if "external_id" in text:
        return ValidationError({"external_id": [_("Another project has this external id.")]})
    if "code" in text:
        return ValidationError({"code": [_("Another project has this code.")]})
    return ValidationError(_("The project could not be saved: %(e)s") % {"e": str(exc)[:200]})


def _lock(project: Project, expected_version: int | None = None) -> None:
    """Re-read the row under a lock so checks see the committed state; a stale copy → 409."""
    fresh = Project.objects.select_for_update().get(pk=project.pk)
    expected = project.version if expected_version is None else expected_version
    if fresh.version != expected:
        raise ConflictError()
    project.version = fresh.version
    project.stage = fresh.stage
    project.funds_in_place = fresh.funds_in_place


@transaction.atomic
def project_update(
    *, actor: Actor, project: Project, expected_version: int | None = None, **data: Any
) -> Project:
    """Edit fields (PROJECT_FIELDS); the event holds each changed field old → new."""
    unknown = set(data) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    _lock(project, expected_version)
    _require(actor, selectors.can_edit(actor, project), _("You cannot edit this project."))
    if actor is not None and not selectors.is_ledger_keeper(actor):
        for name in ASSIGNMENT_FIELDS:
            if name in data and getattr(data[name], "pk", data[name]) != getattr(
                project, f"{name}_id"
            ):
                raise ValidationError(
                    {name: [_("Only bureau staff move a project to another department.")]}
                )
    before = _current(project)
    cleaned = clean_project(data)
    merged = {**before, **cleaned}
    fill_defaults(merged)
    check_whole(merged)
    changed = [n for n in PROJECT_FIELDS if n in merged and merged[n] != before[n]]
    if not changed:
        return project
    for name in changed:
        setattr(project, name, merged[name])
    try:
        with transaction.atomic():
            project.save_versioned(expected_version=project.version, update_fields=changed)
    except IntegrityError as exc:
        raise _unique_error(exc) from exc
    record_event(
        ProjectEvent,
        subject=project,
        actor=actor,
        kind=ProjectEventKind.UPDATED,
        data={"fields": _field_changes(before, merged, changed)},
    )
    audit_record(AuditEventType.UPDATE, actor=actor, obj=project, detail={"fields": changed})
    return project


@transaction.atomic
def project_set_stage(
    *,
    actor: Actor,
    project: Project,
    stage: str,
    on: dt.date | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Project:
    """Move the project along signed → started → in production, or to stalled /
    cancelled (with a reason), or resume a stalled one. ``on`` is the day it happened
    (default today): it becomes started_on / in_production_on when those are reached."""
    _lock(project, expected_version)
    _require(
        actor, selectors.can_edit(actor, project), _("You cannot change this project's stage.")
    )
    old = project.stage
    if stage not in ProjectStage.values:
        raise ValidationError({"stage": [_("Unknown stage %(v)s.") % {"v": stage}]})
    if stage not in TRANSITIONS[old]:
        raise TransitionError(
            _("A project at stage %(old)s cannot be moved to %(new)s.")
            % {"old": ProjectStage(old).label, "new": ProjectStage(stage).label}
        )
    today = timezone.localdate()
    on = on or today
    reason = (reason or "").strip()
    if stage in REASON_STAGES and not reason:
        raise ValidationError({"reason": [_("Say why the project is stalled or cancelled.")]})
    values = _current(project)
    values["stage"] = stage
    values["stage_reason"] = reason if stage in REASON_STAGES else ""
    # Back to "signed" only from a stall before the start.
    if stage == ProjectStage.SIGNED and project.started_on:
        raise TransitionError(_("A project that has started cannot go back to 'signed'."))
    if stage in (ProjectStage.STARTED, ProjectStage.IN_PRODUCTION) and not values["started_on"]:
        values["started_on"] = on
    if stage == ProjectStage.STARTED and values["in_production_on"]:
        raise TransitionError(_("This project is in production already; resume it to that stage."))
    if stage == ProjectStage.IN_PRODUCTION and not values["in_production_on"]:
        values["in_production_on"] = on
    check_whole(values, today=today)
    if on > today:
        raise ValidationError({"on": [_("The date cannot be in the future.")]})
    fields = ["stage", "stage_reason", "stage_changed_on", "started_on", "in_production_on"]
    project.stage = stage
    project.stage_reason = values["stage_reason"]
    project.stage_changed_on = on
    project.started_on = values["started_on"]
    project.in_production_on = values["in_production_on"]
    project.save_versioned(expected_version=project.version, update_fields=fields)
    record_event(
        ProjectEvent,
        subject=project,
        actor=actor,
        kind=ProjectEventKind.STAGE,
        from_state=old,
        to_state=stage,
        note=reason,
        data={"on": on.isoformat()},
    )
    audit_record(
        AuditEventType.TRANSITION, actor=actor, obj=project, detail={"from": old, "to": stage}
    )
    return project


def resume_stage(project: Project) -> str:
    """The stage a stalled project returns to: the furthest its dates say it reached."""
    if project.in_production_on:
        return ProjectStage.IN_PRODUCTION
    if project.started_on:
        return ProjectStage.STARTED
    return ProjectStage.SIGNED


# --- funds in place ------------------------------------------------------------------------


def _entry_date(value: Any, today: dt.date) -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationError({"entry_date": [_("Give the date the funds were in place.")]})
    if value > today:
        raise ValidationError({"entry_date": [_("The date cannot be in the future.")]})
    return value


def _add_funds(project: Project, fen: int) -> None:
    """Move the cached sum by exactly the entry's amount (a conditional F() update)."""
    updated = Project.objects.filter(pk=project.pk, funds_in_place__gte=-fen).update(
        funds_in_place=F("funds_in_place") + fen, updated_at=timezone.now()
    )
    if updated != 1:
        raise ValidationError({"amount": [_("Funds in place cannot fall below zero.")]})
    project.funds_in_place = Project.objects.values_list("funds_in_place", flat=True).get(
        pk=project.pk
    )


@transaction.atomic
def funding_record(
    *, actor: Actor, project: Project, amount: Any, entry_date: Any, note: str = ""
) -> FundingEntry:
    """Funds that arrived on ``entry_date`` (amount > 0, yuan)."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
    _require(
        actor, selectors.can_edit(actor, project), _("You cannot record funds for this project.")
    )
    try:
        value = clean_money(amount, field="amount")
    except ValidationError as exc:
        raise ValidationError({"amount": exc.messages}) from exc
    if value <= 0:
        raise ValidationError(
            {"amount": [_("Amount must be greater than zero: %(value)s") % {"value": value}]}
        )
    day = _entry_date(entry_date, timezone.localdate())
    entry = FundingEntry.objects.create(
        project=project,
        amount=value,  # type: ignore[misc]  # MoneyField: Decimal in, integer fen stored
        entry_date=day,
        note=(note or "").strip()[:300],
        created_by=actor_or_none(actor),
    )
    _add_funds(project, to_fen(value))
    record_event(
        ProjectEvent,
        subject=project,
        actor=actor,
        kind=ProjectEventKind.FUNDING,
        note=entry.note,
        data={"entry": entry.pk, "amount": plain(value), "date": day.isoformat()},
    )
    audit_record(AuditEventType.CREATE, actor=actor, obj=entry, detail={"project": project.pk})
    return entry


def entry_effective_amount(entry: FundingEntry) -> Decimal:
    """An entry's amount with the corrections made to it."""
    total = Decimal(entry.amount)
    for amount in entry.corrections.values_list("amount", flat=True):
        total += Decimal(amount)
    return total


@transaction.atomic
def funding_correct(*, actor: Actor, entry: FundingEntry, amount: Any, reason: str) -> FundingEntry:
    """Correct an entry to ``amount`` (what it should have been; 0 withdraws it): a new
    correction entry of the difference, dated like the entry, naming it. History stays."""
    project = Project.objects.select_for_update().get(pk=entry.project_id)
    _require(
        actor, selectors.can_edit(actor, project), _("You cannot correct funds of this project.")
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the entry is corrected.")]})
    if entry.is_correction:
        raise ValidationError(_("Correct the original entry, not a correction."))
    try:
        target = clean_money(amount, field="amount")
    except ValidationError as exc:
        raise ValidationError({"amount": exc.messages}) from exc
    delta = target - entry_effective_amount(entry)
    if delta == 0:
        raise ValidationError({"amount": [_("The entry has this amount already.")]})
    correction = FundingEntry.objects.create(
        project=project,
        amount=delta,  # type: ignore[misc]  # MoneyField: Decimal in, integer fen stored
        entry_date=entry.entry_date,
        note=reason[:300],
        is_correction=True,
        corrects=entry,
        created_by=actor_or_none(actor),
    )
    _add_funds(project, to_fen(delta))
    record_event(
        ProjectEvent,
        subject=project,
        actor=actor,
        kind=ProjectEventKind.CORRECTION,
        note=reason,
        data={"entry": correction.pk, "corrects": entry.pk, "amount": plain(delta)},
    )
    audit_record(AuditEventType.CREATE, actor=actor, obj=correction, detail={"project": project.pk})
    return correction


# --- links to deals and contracts ----------------------------------------------------------


@transaction.atomic
def project_link(
    *,
    actor: Actor,
    project: Project,
    deals: Iterable[Any] | None = None,
    contracts: Iterable[Any] | None = None,
) -> Project:
    """Set the deals and technology contracts that led to the project (each list given
    replaces the current one). Only those the actor may see can be linked."""
    _lock(project)
    _require(actor, selectors.can_edit(actor, project), _("You cannot edit this project."))
    data: dict[str, Any] = {}
    for name, given, visible in (
        ("deals", deals, deals_visible_to),
        ("contracts", contracts, contracts_visible_to),
    ):
        if given is None:
            continue
        ids = sorted({getattr(x, "pk", x) for x in given})
        # The system (actor None) links anything that exists.
        qs = visible(actor) if actor is not None else getattr(project, name).model.objects
        found = set(qs.filter(pk__in=ids).values_list("pk", flat=True))
        missing = [i for i in ids if i not in found]
        if missing:
            raise ValidationError({name: [_("Unknown or hidden: %(ids)s") % {"ids": missing}]})
        current = sorted(getattr(project, name).values_list("pk", flat=True))
        # Links the actor cannot see stay: nobody removes what they were not shown.
        shown = set(qs.filter(pk__in=current).values_list("pk", flat=True))
        ids = sorted(set(ids) | {pk for pk in current if pk not in shown})
        if current != ids:
            getattr(project, name).set(ids)
            data[name] = [current, ids]
    if data:
        project.save_versioned(expected_version=project.version, update_fields=[])
        record_event(
            ProjectEvent, subject=project, actor=actor, kind=ProjectEventKind.LINKED, data=data
        )
        audit_record(
            AuditEventType.UPDATE, actor=actor, obj=project, detail={"fields": sorted(data)}
        )
    return project
