"""Sharing agreements (共享协议: 所有权与经营权分离) and the owner / staff / agency ratio.

Who: members (institution members) of the owner organisation; the agency's members may
view. History is kept: a new ratio is a new agreement from its start date; the one in force
before in the same scope (the resource, or all resources of the owner) ends the day before,
automatically; an agreement never starts on or before the service date of an order already
priced under the one it replaces (orders copy their agreement when priced). Each change
writes an AgreementEvent and an audit row.

Resources, rates and qualifications live in services/resources.py; their services are
re-exported here, so callers may keep to ``services.agreements``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.models import User
from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.core.actors import Actor, actor_or_none, is_active_user
from techbridge.core.events import record_event
from techbridge.core.exceptions import ConflictError, TransitionError
from techbridge.organisations.models import Organisation, OrganisationKind
from techbridge.sharing.models import (
    WHOLE,
    AgreementStaff,
    OrderStatus,
    Resource,
    ServiceOrder,
    SharingAgreement,
)
from techbridge.sharing.models.resources import AgreementEvent, AgreementEventKind
from techbridge.sharing.pricing import percent
from techbridge.sharing.services.resources import (
    ONE_DAY,
    RATE_FIELDS,
    RESOURCE_FIELDS,
    _not_before_priced_orders,
    _require_manager,
    check_new_rate,
    qualification_grant,
    qualification_revoke,
    rate_create,
    rate_end,
    resource_refresh,
    resource_register,
    resource_update,
)

__all__ = [
    "AGREEMENT_FIELDS",
    "RATE_FIELDS",
    "RESOURCE_FIELDS",
    "agreement_create",
    "agreement_end",
    "agreement_update",
    "check_new_rate",
    "check_ratio",
    "is_agreement_editable",
    "orders_using",
    "parse_percent",
    "parse_ratio",
    "qualification_grant",
    "qualification_revoke",
    "rate_create",
    "rate_end",
    "resource_refresh",
    "resource_register",
    "resource_update",
    "scope_of",
]

AGREEMENT_FIELDS = (
    "resource",
    "owner",
    "agency",
    "owner_share_bp",
    "staff_share_bp",
    "agency_share_bp",
    "requires_approval",
    "valid_from",
    "valid_until",
    "staff",
    "note",
)


# --- ratios in percent ---------------------------------------------------------------------

_PERCENT = re.compile(r"^(\d{1,3})(?:\.(\d{1,2}))?\s*[%％]?$")
_RATIO_SEPARATORS = re.compile(r"\s*[/／:：,，、;；]\s*|\s+")


def parse_percent(value: Any, *, label: str = "") -> int:
    """'60', '60%', '60.5 %' or 60 → basis points (6000, 6050); ValidationError otherwise."""
    text = str(value).strip().translate(_FULL_WIDTH)
    match = _PERCENT.match(text)
    if not match:
        raise ValidationError(
            _("%(label)s is not a percentage (write it like 60 or 60%%): “%(v)s”")
            % {"label": label or _("Share"), "v": str(value)[:20]}
        )
    bp = int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
    if bp > WHOLE:
        raise ValidationError(
            _("%(label)s cannot be more than 100 %%: “%(v)s”")
            % {"label": label or _("Share"), "v": str(value)[:20]}
        )
    return bp


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


def parse_ratio(text: str) -> tuple[int, int, int]:
    """'60/25/15', '60%/25%/15%', '60:25:15' → (6000, 2500, 1500) basis points; the parts
    must add up to 100 %."""
    parts = [p for p in _RATIO_SEPARATORS.split(str(text).strip()) if p]
    if len(parts) != 3:
        raise ValidationError(
            _("Write the split as three percentages owner / staff / agency, like 60/25/15: “%(v)s”")
            % {"v": str(text)[:40]}
        )
    labels = (_("Owner share"), _("Staff share"), _("Agency share"))
    owner, staff, agency = (
        parse_percent(part, label=label) for part, label in zip(parts, labels, strict=True)
    )
    check_ratio(owner, staff, agency)
    return owner, staff, agency


def check_ratio(owner_bp: int, staff_bp: int, agency_bp: int) -> None:
    """The three parts are 0–100 % each and add up to exactly 100 %."""
    errors: dict[str, list[str]] = {}
    for name, bp in (
        ("owner_share_bp", owner_bp),
        ("staff_share_bp", staff_bp),
        ("agency_share_bp", agency_bp),
    ):
        if not isinstance(bp, int) or isinstance(bp, bool) or not 0 <= bp <= WHOLE:
            errors[name] = [
                _("A share is between 0 and 100 %% (0–10000 basis points): %(v)s") % {"v": bp}
            ]
    if errors:
        raise ValidationError(errors)
    total = owner_bp + staff_bp + agency_bp
    if total != WHOLE:
        raise ValidationError(
            {
                "owner_share_bp": [
                    _(
                        "The owner, staff and agency shares must add up to 100 %%; "
                        "%(o)s %% + %(s)s %% + %(a)s %% = %(t)s %%."
                    )
                    % {
                        "o": percent(owner_bp),
                        "s": percent(staff_bp),
                        "a": percent(agency_bp),
                        "t": percent(total),
                    }
                ]
            }
        )


# --- permissions ---------------------------------------------------------------------------


def _require_owner_member(actor: Actor, owner: Organisation) -> User:
    if not (
        is_active_user(actor)
        and actor.role == Role.INSTITUTION_MEMBER
        and actor.organisation_id == owner.pk
    ):
        raise PermissionDenied(
            _("Only members of the owner institution manage its sharing agreements.")
        )
    return actor


# --- agreements ----------------------------------------------------------------------------


def scope_of(agreement: SharingAgreement) -> QuerySet[SharingAgreement]:
    """Agreements of the same scope: the same resource, or the owner-wide ones of the owner."""
    if agreement.resource_id is not None:
        return SharingAgreement.objects.filter(resource_id=agreement.resource_id)
    return SharingAgreement.objects.filter(resource__isnull=True, owner_id=agreement.owner_id)


def _scope_orders(resource: Resource | None, owner_id: int) -> QuerySet[ServiceOrder]:
    """Priced orders a new agreement of this scope could take over: a resource's own
    agreement replaces whatever its orders used; an owner-wide one only owner-wide ones."""
    priced = ServiceOrder.objects.filter(agreement__isnull=False).exclude(
        status=OrderStatus.CANCELLED
    )
    if resource is not None:
        return priced.filter(resource=resource)
    return priced.filter(resource__owner_id=owner_id, agreement__resource__isnull=True)


def orders_using(agreement: SharingAgreement) -> QuerySet[ServiceOrder]:
    return agreement.orders.exclude(status=OrderStatus.CANCELLED)


def is_agreement_editable(agreement: SharingAgreement, today: dt.date | None = None) -> bool:
    """Ratio, agency and dates may change until the agreement is in force and used: once
    it started and orders use it, a change is a new agreement from its start date."""
    today = today or timezone.localdate()
    return agreement.valid_from >= today or not orders_using(agreement).exists()


def _clean_staff(staff: Iterable[Any], owner_id: int, agency_id: int) -> list[User]:
    users: list[User] = []
    seen: set[int] = set()
    for item in staff:
        user = item if isinstance(item, User) else User.objects.filter(pk=item).first()
        if user is None or not user.is_active:
            raise ValidationError(
                {"staff": [_("Unknown or inactive account: %(u)s") % {"u": item}]}
            )
        if user.organisation_id not in (owner_id, agency_id):
            raise ValidationError(
                {
                    "staff": [
                        _(
                            "Service staff work for the owner or the agency; %(u)s belongs "
                            "to neither."
                        )
                        % {"u": user}
                    ]
                }
            )
        if user.pk not in seen:
            seen.add(user.pk)
            users.append(user)
    return users


def _check_agency(agency: Any, owner_id: int) -> Organisation:
    if not isinstance(agency, Organisation):
        agency = Organisation.objects.filter(pk=agency).first()
    if agency is None:
        raise ValidationError({"agency": [_("No such organisation.")]})
    if agency.kind != OrganisationKind.AGENCY:
        raise ValidationError(
            {
                "agency": [
                    _("The operating agency must be a service agency; %(o)s is not.")
                    % {"o": agency.name}
                ]
            }
        )
    if agency.pk == owner_id:
        raise ValidationError({"agency": [_("The owner cannot be its own operating agency.")]})
    return agency


@transaction.atomic
def agreement_create(
    *,
    actor: Actor,
    agency: Organisation | int,
    owner_share_bp: int,
    staff_share_bp: int,
    agency_share_bp: int,
    valid_from: dt.date,
    resource: Resource | None = None,
    owner: Organisation | None = None,
    valid_until: dt.date | None = None,
    staff: Sequence[Any] = (),
    requires_approval: bool = True,
    note: str = "",
) -> SharingAgreement:
    """A sharing agreement for one resource (or, without ``resource``, for every resource
    of ``owner``). The agreement in force before in the same scope ends the day before
    ``valid_from``; one starting later caps this one's end. Refused if it would start on or
    before the service date of an order already priced under the one it replaces."""
    if resource is not None:
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        owner_id = resource.owner_id
        _require_manager(actor, resource)
    else:
        if owner is None:
            raise ValidationError({"resource": [_("Choose a resource or an owner.")]})
        # Locks the scope: two agreements of one owner are never created side by side.
        owner = Organisation.objects.select_for_update().get(pk=owner.pk)
        owner_id = owner.pk
        _require_owner_member(actor, owner)
    check_ratio(owner_share_bp, staff_share_bp, agency_share_bp)
    agency_org = _check_agency(agency, owner_id)
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError({"valid_until": [_("The end date is before the start date.")]})
    users = _clean_staff(staff, owner_id, agency_org.pk)
    scope = (
        SharingAgreement.objects.filter(resource=resource)
        if resource is not None
        else SharingAgreement.objects.filter(resource__isnull=True, owner_id=owner_id)
    )
    if scope.filter(valid_from=valid_from).exists():
        raise ValidationError(
            {
                "valid_from": [
                    _("Another agreement of this scope starts on %(d)s already.")
                    % {"d": valid_from.isoformat()}
                ]
            }
        )
    _not_before_priced_orders(_scope_orders(resource, owner_id), valid_from, "valid_from")
    following = scope.filter(valid_from__gt=valid_from).order_by("valid_from").first()
    if following is not None:
        last_day = following.valid_from - ONE_DAY
        valid_until = last_day if valid_until is None else min(valid_until, last_day)
    agreement = SharingAgreement.objects.create(
        resource=resource,
        owner_id=owner_id,
        agency=agency_org,
        owner_share_bp=owner_share_bp,
        staff_share_bp=staff_share_bp,
        agency_share_bp=agency_share_bp,
        requires_approval=bool(requires_approval),
        valid_from=valid_from,
        valid_until=valid_until,
        note=str(note or "").strip(),
        created_by=actor_or_none(actor),
    )
    AgreementStaff.objects.bulk_create(AgreementStaff(agreement=agreement, user=u) for u in users)
    previous = scope.filter(valid_from__lt=valid_from).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from)
    )
    for old in previous.select_for_update():
        before = old.valid_until
        old.valid_until = valid_from - ONE_DAY
        old.save_versioned(expected_version=None, update_fields=["valid_until"])
        record_event(
            AgreementEvent,
            subject=old,
            actor=actor,
            kind=AgreementEventKind.SUPERSEDED,
            data={
                "valid_until": [_iso(before), _iso(old.valid_until)],
                "successor": agreement.pk,
            },
        )
        audit_record(
            AuditEventType.UPDATE, actor=actor, obj=old, detail={"fields": ["valid_until"]}
        )
    record_event(
        AgreementEvent,
        subject=agreement,
        actor=actor,
        kind=AgreementEventKind.CREATED,
        data={
            "ratio": agreement.ratio_label,
            "valid_from": valid_from.isoformat(),
            "valid_until": _iso(valid_until),
            "staff": [u.pk for u in users],
        },
    )
    audit_record(AuditEventType.CREATE, actor=actor, obj=agreement)
    return agreement


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _manager_of_agreement(actor: Actor, agreement: SharingAgreement) -> None:
    if agreement.resource_id is not None:
        _require_manager(actor, agreement.resource)  # type: ignore[arg-type]
    else:
        _require_owner_member(actor, agreement.owner)


# Always changeable: who runs the resource and whether bookings need approval change no
# money already priced (the staff part goes to the staff recorded on each usage record).
_ALWAYS_EDITABLE = frozenset({"staff", "requires_approval", "note"})
_EDITABLE = (
    frozenset({"agency", "owner_share_bp", "staff_share_bp", "agency_share_bp", "valid_until"})
    | _ALWAYS_EDITABLE
)


@transaction.atomic
def agreement_update(
    *,
    actor: Actor,
    agreement: SharingAgreement,
    expected_version: int | None = None,
    **values: Any,
) -> SharingAgreement:
    """Change an agreement. Staff, approval and note always; ratio, agency and end date only
    while it is not yet in force or no order uses it (else: a new agreement from a date).
    ``expected_version``: the version the editor saw (another change since → 409)."""
    agreement = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    if expected_version is not None and agreement.version != expected_version:
        raise ConflictError()
    _manager_of_agreement(actor, agreement)
    unknown = set(values) - _EDITABLE
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    staff = values.pop("staff", None)
    changes: dict[str, list[Any]] = {}
    if "agency" in values:
        agency = _check_agency(values["agency"], agreement.owner_id)
        if agency.pk != agreement.agency_id:
            changes["agency"] = [agreement.agency_id, agency.pk]
            agreement.agency = agency
        values.pop("agency")
    for name, value in values.items():
        if name in ("requires_approval",):
            value = bool(value)
        if name == "note":
            value = str(value or "").strip()
        if getattr(agreement, name) != value:
            changes[name] = [getattr(agreement, name), value]
            setattr(agreement, name, value)
    money = set(changes) - _ALWAYS_EDITABLE
    if money and not is_agreement_editable(agreement):
        raise TransitionError(
            _(
                "This agreement is in force and orders use it: its ratio, agency and dates "
                "stay as they are. A new ratio is a new agreement from its start date."
            )
        )
    check_ratio(agreement.owner_share_bp, agreement.staff_share_bp, agreement.agency_share_bp)
    if "valid_until" in changes:
        _check_end(agreement, agreement.valid_until)
    staff_changed = staff is not None and _staff_differs(agreement, staff)
    if changes or staff_changed:
        agreement.save_versioned(expected_version=None, update_fields=list(changes))
    if changes:
        record_event(
            AgreementEvent,
            subject=agreement,
            actor=actor,
            kind=AgreementEventKind.UPDATED,
            data={"fields": {n: [_plain(a), _plain(b)] for n, (a, b) in changes.items()}},
        )
        audit_record(
            AuditEventType.UPDATE, actor=actor, obj=agreement, detail={"fields": sorted(changes)}
        )
    if staff_changed:
        _set_staff(actor, agreement, staff)  # type: ignore[arg-type]
    return agreement


def _staff_differs(agreement: SharingAgreement, staff: Iterable[Any]) -> bool:
    wanted = {getattr(s, "pk", s) for s in staff}
    current = set(
        AgreementStaff.objects.filter(agreement=agreement).values_list("user_id", flat=True)
    )
    return wanted != current


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def _set_staff(actor: Actor, agreement: SharingAgreement, staff: Iterable[Any]) -> None:
    users = _clean_staff(staff, agreement.owner_id, agreement.agency_id)
    wanted = {u.pk for u in users}
    current = set(
        AgreementStaff.objects.filter(agreement=agreement).values_list("user_id", flat=True)
    )
    if wanted == current:
        return
    AgreementStaff.objects.filter(agreement=agreement, user_id__in=current - wanted).delete()
    AgreementStaff.objects.bulk_create(
        AgreementStaff(agreement=agreement, user_id=pk) for pk in sorted(wanted - current)
    )
    record_event(
        AgreementEvent,
        subject=agreement,
        actor=actor,
        kind=AgreementEventKind.STAFF,
        data={"added": sorted(wanted - current), "removed": sorted(current - wanted)},
    )
    audit_record(AuditEventType.UPDATE, actor=actor, obj=agreement, detail={"fields": ["staff"]})


def _check_end(agreement: SharingAgreement, last_day: dt.date | None) -> None:
    if last_day is None:
        if scope_of(agreement).filter(valid_from__gt=agreement.valid_from).exists():
            raise ValidationError(
                {"valid_until": [_("A later agreement follows; this one needs an end date.")]}
            )
        return
    if last_day < agreement.valid_from:
        raise ValidationError({"valid_until": [_("The end date is before the start date.")]})
    used_until = orders_using(agreement).aggregate(last=Max("service_date"))["last"]
    if used_until is not None and last_day < used_until:
        raise ValidationError(
            {
                "valid_until": [
                    _("Orders up to %(d)s use this agreement; it cannot end before that day.")
                    % {"d": used_until.isoformat()}
                ]
            }
        )
    following = (
        scope_of(agreement)
        .filter(valid_from__gt=agreement.valid_from)
        .order_by("valid_from")
        .first()
    )
    if following is not None and last_day >= following.valid_from:
        raise ValidationError(
            {
                "valid_until": [
                    _("The next agreement starts on %(d)s; this one must end before it.")
                    % {"d": following.valid_from.isoformat()}
                ]
            }
        )


@transaction.atomic
def agreement_end(
    *, actor: Actor, agreement: SharingAgreement, last_day: dt.date, reason: str = ""
) -> SharingAgreement:
    """End an agreement on ``last_day`` (not before an order that uses it)."""
    agreement = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    _manager_of_agreement(actor, agreement)
    _check_end(agreement, last_day)
    before = agreement.valid_until
    agreement.valid_until = last_day
    agreement.save_versioned(expected_version=None, update_fields=["valid_until"])
    record_event(
        AgreementEvent,
        subject=agreement,
        actor=actor,
        kind=AgreementEventKind.ENDED,
        note=str(reason or "")[:2000],
        data={"valid_until": [_iso(before), last_day.isoformat()]},
    )
    audit_record(
        AuditEventType.UPDATE, actor=actor, obj=agreement, detail={"fields": ["valid_until"]}
    )
    return agreement
