"""Every write of the cultivation app: tier records (recorded and revoked by bureau staff,
never for their own organisation; evidence files) and the enterprise's yearly figures.
Each runs in one transaction with its event row and audit row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.core.actors import Actor, is_active_user
from techbridge.core.attachments import store_attachment
from techbridge.core.events import record_event
from techbridge.core.exceptions import TransitionError
from techbridge.core.money import parse_amount
from techbridge.cultivation import selectors
from techbridge.cultivation import thresholds as t
from techbridge.cultivation.fields import FIGURES_FIELDS, MONEY_FIELDS, TIER_FIELDS
from techbridge.cultivation.models import (
    EnterpriseFigures,
    FiguresEvent,
    FiguresEventKind,
    Tier,
    TierAttachment,
    TierEvent,
    TierEventKind,
    TierRecord,
)
from techbridge.organisations.models import Organisation, OrganisationKind

NOTE_MAX = 2000
CERTIFICATE_MAX = 60


def _require_registrar(actor: Actor, organisation: Organisation) -> Any:
    if not selectors.is_bureau_staff(actor):
        raise PermissionDenied(_("Only bureau staff record cultivation tiers."))
    user: Any = actor
    if user.organisation_id == organisation.pk:
        raise TransitionError(_("You may not certify a tier record of your own organisation."))
    return user


def _text(value: Any, field: str, limit: int) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": limit}})
    return text


@transaction.atomic
def tier_record(
    *,
    actor: Actor,
    organisation: Organisation,
    tier: str,
    obtained_on: dt.date,
    certificate_number: str = "",
    expires_on: dt.date | None = None,
    evidence_note: str = "",
    attachments: tuple[Any, ...] | list[Any] = (),
) -> TierRecord:
    """Record that ``organisation`` obtained ``tier`` on ``obtained_on``; ``expires_on``
    defaults from the tier's validity (thresholds). Returns the record."""
    user = _require_registrar(actor, organisation)
    if organisation.kind != OrganisationKind.ENTERPRISE:
        raise ValidationError({"organisation": _("Tiers are recorded for enterprises only.")})
    if tier not in Tier.values:
        raise ValidationError({"tier": _("Choose a tier.")})
    if not isinstance(obtained_on, dt.date):
        raise ValidationError({"obtained_on": _("Enter the date the tier was obtained.")})
    if obtained_on > timezone.localdate():
        raise ValidationError({"obtained_on": _("The date obtained cannot be in the future.")})
    if expires_on is None:
        expires_on = t.default_expiry(tier, obtained_on)
    elif expires_on < obtained_on:
        raise ValidationError({"expires_on": _("The expiry cannot be before the date obtained.")})
    values = {
        "certificate_number": _text(certificate_number, "certificate_number", CERTIFICATE_MAX),
        "evidence_note": _text(evidence_note, "evidence_note", NOTE_MAX),
    }
    try:
        with transaction.atomic():
            record = TierRecord.objects.create(
                organisation=organisation,
                tier=tier,
                obtained_on=obtained_on,
                expires_on=expires_on,
                recorded_by=user,
                **values,
            )
    except IntegrityError:
        raise ValidationError(
            {"obtained_on": _("This enterprise already has this tier recorded on that date.")}
        ) from None
    record_event(
        TierEvent,
        subject=record,
        actor=actor,
        kind=TierEventKind.RECORDED,
        to_state="valid",
        note=values["evidence_note"],
        data={"tier": tier, "fields": list(TIER_FIELDS)},
    )
    audit_record(AuditEventType.CREATE, actor=actor, obj=record, detail={"tier": tier})
    for upload in attachments:
        _attach(actor, record, upload)
    return record


def _attach(actor: Actor, record: TierRecord, upload: Any) -> TierAttachment:
    attachment = store_attachment(TierAttachment, subject=record, actor=actor, upload=upload)
    record_event(
        TierEvent,
        subject=record,
        actor=actor,
        kind=TierEventKind.ATTACHED,
        data={"attachment": attachment.pk},
    )
    audit_record(
        AuditEventType.UPDATE,
        actor=actor,
        obj=record,
        detail={"attachment": attachment.pk},
    )
    return attachment


@transaction.atomic
def tier_attach(*, actor: Actor, record: TierRecord, upload: Any) -> TierAttachment:
    """Attach an evidence file (certificate scan, notice of the list) to a record."""
    _require_registrar(actor, record.organisation)
    return _attach(actor, record, upload)


@transaction.atomic
def tier_revoke(
    *, actor: Actor, record: TierRecord, reason: str, expected_version: int | None = None
) -> TierRecord:
    """Revoke a tier record (撤销: certificate withdrawn, delisted, found not to qualify)."""
    user = _require_registrar(actor, record.organisation)
    reason = _text(reason, "reason", NOTE_MAX)
    if not reason:
        raise ValidationError({"reason": _("Say why the tier is revoked.")})
    if record.revoked_at is not None:
        raise TransitionError(_("This tier record is already revoked."))
    old = record.status
    record.revoked_at = timezone.now()
    record.revoked_by = user
    record.revoke_reason = reason
    record.save_versioned(
        expected_version=expected_version,
        update_fields=["revoked_at", "revoked_by", "revoke_reason"],
    )
    record_event(
        TierEvent,
        subject=record,
        actor=actor,
        kind=TierEventKind.REVOKED,
        from_state=old,
        to_state="revoked",
        note=reason,
    )
    audit_record(AuditEventType.TRANSITION, actor=actor, obj=record, detail={"to": "revoked"})
    return record


def _clean_figures(values: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for name in FIGURES_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name in MONEY_FIELDS:
            if value in (None, ""):
                value = None
            else:
                try:
                    value = parse_amount(value, allow_zero=True)
                except ValidationError as exc:
                    raise ValidationError({name: exc.messages}) from None
        elif name in ("ip_class_1", "ip_class_2"):
            value = int(value or 0)
        clean[name] = value
    staff, st = clean.get("staff"), clean.get("st_staff")
    if staff is not None and st is not None and st > staff:
        raise ValidationError({"st_staff": _("S&T staff cannot exceed the staff.")})
    rd_staff = clean.get("rd_staff")
    if staff is not None and rd_staff is not None and rd_staff > staff:
        raise ValidationError({"rd_staff": _("R&D staff cannot exceed the staff.")})
    rd, in_china = clean.get("rd_total"), clean.get("rd_in_china")
    if rd is not None and in_china is not None and in_china > rd:
        raise ValidationError(
            {"rd_in_china": _("R&D spend in China cannot exceed the total R&D spend.")}
        )
    total, main = clean.get("total_revenue"), clean.get("main_revenue")
    if total is not None and main is not None and main > total:
        raise ValidationError(
            {"main_revenue": _("Main-business revenue cannot exceed the total revenue.")}
        )
    registered = clean.get("registered_on")
    if registered is not None and registered > timezone.localdate():
        raise ValidationError(
            {"registered_on": _("The registration date cannot be in the future.")}
        )
    return clean


@transaction.atomic
def figures_save(
    *,
    actor: Actor,
    organisation: Organisation,
    year: int,
    expected_version: int | None = None,
    **values: Any,
) -> EnterpriseFigures:
    """Create or update ``organisation``'s figures for ``year`` (its own members only).
    ``values`` are FIGURES_FIELDS; amounts as people write them ("150万", "1,500,000")."""
    if not (is_active_user(actor) and selectors.is_member_of(actor, organisation)):
        raise PermissionDenied(_("Only the enterprise's own members enter its figures."))
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not (1990 <= year <= this_year):
        raise ValidationError({"year": _("Choose a year up to this one.")})
    clean = _clean_figures(values)
    figures = EnterpriseFigures.objects.filter(organisation=organisation, year=year).first()
    if figures is None:
        try:
            with transaction.atomic():
                figures = EnterpriseFigures.objects.create(
                    organisation=organisation, year=year, updated_by=actor, **clean
                )
        except IntegrityError:
            raise ValidationError({"year": _("Figures for this year were just saved.")}) from None
        changed = sorted(clean)
        audit = AuditEventType.CREATE
    else:
        changed = sorted(k for k, v in clean.items() if getattr(figures, k) != v)
        for name in changed:
            setattr(figures, name, clean[name])
        figures.updated_by = actor
        figures.save_versioned(
            expected_version=expected_version, update_fields=[*changed, "updated_by"]
        )
        audit = AuditEventType.UPDATE
    record_event(
        FiguresEvent,
        subject=figures,
        actor=actor,
        kind=FiguresEventKind.SAVED,
        data={"fields": changed},
    )
    # Names of the changed fields only: the figures are confidential.
    audit_record(audit, actor=actor, obj=figures, detail={"fields": changed})
    return figures
