"""Bureau staff configure supervision: the SLA clocks of each (category, urgency), the
routing rules, and each department's head and supervising office."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.core.actors import Actor, actor_or_none
from techbridge.organisations.models import Organisation, OrganisationKind
from techbridge.projects.models import Zone
from techbridge.supervision import rules
from techbridge.supervision.models import (
    DEFAULT_POLICIES,
    Category,
    ClockUnit,
    Department,
    RoutingRule,
    SlaPolicy,
    Urgency,
)

POLICY_FIELDS = (
    "response_unit",
    "response_amount",
    "resolution_unit",
    "resolution_amount",
    "reminder_percent",
    "second_level_unit",
    "second_level_amount",
)


def _bureau_only(actor: Actor) -> None:
    if not rules.is_bureau(actor):
        raise PermissionDenied(_("Only bureau staff configure problem supervision."))


def _check_policy(values: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in ("response_unit", "resolution_unit", "second_level_unit"):
        if values.get(name) not in ClockUnit.values:
            errors[name] = _("Choose calendar hours, working hours or working days.")
        clean[name] = values.get(name)
    for name in ("response_amount", "resolution_amount", "second_level_amount"):
        try:
            number = int(values.get(name))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= 8760:
            errors[name] = _("Give a whole number from 1 to 8760.")
        clean[name] = number
    try:
        percent = int(values.get("reminder_percent"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        percent = 0
    if not 1 <= percent <= 99:
        errors["reminder_percent"] = _("Give a percentage from 1 to 99.")
    clean["reminder_percent"] = percent
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def policy_save(
    *,
    actor: Actor,
    category: str,
    urgency: str,
    expected_version: int | None = None,
    **values: Any,
) -> SlaPolicy:
    """Set the clocks of (category, urgency); applies to problems reported from now on."""
    _bureau_only(actor)
    if category not in Category.values or urgency not in Urgency.values:
        raise ValidationError({"category": _("Unknown category or urgency.")})
    clean = _check_policy(values)
    policy = (
        SlaPolicy.objects.select_for_update().filter(category=category, urgency=urgency).first()
    )
    if policy is None:
        defaults = DEFAULT_POLICIES[urgency]
        policy = SlaPolicy(
            category=category, urgency=urgency, **{f: getattr(defaults, f) for f in POLICY_FIELDS}
        )
        before: dict[str, Any] = {}
        for name, value in clean.items():
            setattr(policy, name, value)
        policy.updated_by = actor_or_none(actor)
        policy.save(force_insert=True)
        created = True
    else:
        before = {f: getattr(policy, f) for f in POLICY_FIELDS}
        for name, value in clean.items():
            setattr(policy, name, value)
        policy.updated_by = actor_or_none(actor)
        policy.save_versioned(
            expected_version=expected_version, update_fields=[*POLICY_FIELDS, "updated_by"]
        )
        created = False
    audit_record(
        AuditEventType.CREATE if created else AuditEventType.UPDATE,
        actor=actor,
        obj=policy,
        detail={"fields": sorted(f for f in POLICY_FIELDS if before.get(f) != getattr(policy, f))},
    )
    return policy


@transaction.atomic
def routing_rule_create(
    *, actor: Actor, category: str, zone: Zone | None, department: Organisation
) -> RoutingRule:
    _bureau_only(actor)
    if category and category not in Category.values:
        raise ValidationError({"category": _("Choose one of the listed categories.")})
    if department.kind != OrganisationKind.GOVERNMENT:
        raise ValidationError({"department": _("Choose a government department.")})
    try:
        with transaction.atomic():
            rule = RoutingRule.objects.create(
                category=category or "",
                zone=zone,
                department=department,
                created_by=actor_or_none(actor),
            )
    except IntegrityError:
        raise ValidationError(
            {"category": _("A rule for this category and zone exists already; delete it first.")}
        ) from None
    audit_record(AuditEventType.CREATE, actor=actor, obj=rule)
    return rule


@transaction.atomic
def routing_rule_delete(*, actor: Actor, rule: RoutingRule) -> None:
    _bureau_only(actor)
    audit_record(AuditEventType.DELETE, actor=actor, obj=rule)
    rule.delete()


@transaction.atomic
def department_save(
    *,
    actor: Actor,
    organisation: Organisation,
    head: Any | None,
    supervised_by: Department | None,
    is_supervising_office: bool = False,
) -> Department:
    """Set a department's head and supervising office (creates its row the first time)."""
    _bureau_only(actor)
    if organisation.kind != OrganisationKind.GOVERNMENT:
        raise ValidationError({"organisation": _("Choose a government department.")})
    if head is not None and not (
        head.is_active
        and head.organisation_id == organisation.pk
        and head.role in {Role.DEPARTMENT_HANDLER, Role.BUREAU_STAFF}
    ):
        raise ValidationError(
            {"head": _("The head must be an active handler or staff member of the department.")}
        )
    desk = Department.objects.select_for_update().filter(organisation=organisation).first()
    created = desk is None
    if desk is None:
        desk = Department(organisation=organisation)
        desk.save(force_insert=True)
    if supervised_by is not None and supervised_by.pk == desk.pk:
        raise ValidationError({"supervised_by": _("A department cannot supervise itself.")})
    desk.head = head
    desk.supervised_by = supervised_by
    desk.is_supervising_office = bool(is_supervising_office)
    desk.save_versioned(
        expected_version=None, update_fields=["head", "supervised_by", "is_supervising_office"]
    )
    audit_record(
        AuditEventType.CREATE if created else AuditEventType.UPDATE,
        actor=actor,
        obj=desk,
        detail={"fields": ["head", "supervised_by", "is_supervising_office"]},
    )
    return desk


def department_candidates() -> Any:
    """Government organisations (for the department forms)."""
    return Organisation.objects.filter(kind=OrganisationKind.GOVERNMENT).order_by("name")


def head_candidates(organisation: Organisation) -> Any:
    return get_user_model().objects.filter(
        organisation=organisation,
        is_active=True,
        role__in=[Role.DEPARTMENT_HANDLER, Role.BUREAU_STAFF],
    )
