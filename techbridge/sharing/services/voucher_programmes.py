"""Voucher programmes, applications and issuance (see services/vouchers.py for the
locking rules). Bureau staff of the issuing bureau run a programme; enterprise members
apply; approval issues a Voucher and moves the programme's and the enterprise's counters
under row locks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.codes.selectors import region_codes, region_prefix
from techbridge.core.actors import Actor, actor_or_none
from techbridge.core.exceptions import TransitionError
from techbridge.core.money import format_yuan, to_fen
from techbridge.core.phrases import phrase
from techbridge.core.sequences import next_number
from techbridge.notifications.models import NotificationKind
from techbridge.notifications.services import notify
from techbridge.sharing.models import (
    WHOLE,
    ApplicationStatus,
    EnterpriseAllowance,
    ProgrammeStatus,
    ResourceKind,
    Voucher,
    VoucherApplication,
    VoucherEventKind,
    VoucherProgramme,
    VoucherStatus,
)
from techbridge.sharing.selectors import vouchers as sel
from techbridge.sharing.services.voucher_kit import (
    acting_member,
    bump,
    clean_amount,
    clean_text,
    link_to,
    lock_programme,
    require,
    voucher_event,
)

# The fields a bureau member writes (form, API and service accept exactly these).
PROGRAMME_FIELDS = (
    "name",
    "description",
    "budget",
    "cap_per_enterprise_year",
    "max_share_bp",
    "eligible_kinds",
    "eligible_regions",
    "valid_from",
    "valid_until",
)


def _clean_regions(values: Any) -> list[str]:
    if values in (None, ""):
        return []
    if isinstance(values, str):
        values = [v for v in values.replace("，", ",").replace(" ", ",").split(",") if v]
    known = region_codes()
    out: list[str] = []
    for raw in values:
        code = str(raw).strip()
        bad = not code.isdigit() or len(code) not in (2, 4, 6)
        if not bad and len(code) == 6:
            code = region_prefix(code)
        if not bad and known and code.ljust(6, "0") not in known:
            bad = True
        if bad:
            raise ValidationError(
                {
                    "eligible_regions": _(
                        "“%(v)s” is not a GB/T 2260 region (six digits such as 520000, or "
                        "a prefix of 2 or 4 digits)."
                    )
                    % {"v": str(raw)[:20]}
                }
            )
        if code not in out:
            out.append(code)
    return out


def _clean_kinds(values: Any) -> list[str]:
    allowed = [k.value for k in ResourceKind]
    chosen = set()
    for raw in values or []:
        if str(raw) not in allowed:
            raise ValidationError(
                {"eligible_kinds": _("Unknown resource kind: %(v)s") % {"v": str(raw)[:30]}}
            )
        chosen.add(str(raw))
    return [k for k in allowed if k in chosen]


def _clean_programme(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(PROGRAMME_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    out: dict[str, Any] = {
        "name": clean_text(data.get("name"), "name", limit=200, required=True),
        "description": clean_text(
            data.get("description"), "description", limit=5000, required=False
        ),
        "budget": clean_amount(data.get("budget"), "budget"),
        "cap_per_enterprise_year": clean_amount(
            data.get("cap_per_enterprise_year"), "cap_per_enterprise_year"
        ),
        "eligible_kinds": _clean_kinds(data.get("eligible_kinds")),
        "eligible_regions": _clean_regions(data.get("eligible_regions")),
    }
    share = data.get("max_share_bp", 5_000)
    if isinstance(share, bool) or not isinstance(share, int) or not 1 <= share <= WHOLE:
        raise ValidationError(
            {"max_share_bp": _("The share must be between 0.01 % and 100 % of the order.")}
        )
    out["max_share_bp"] = share
    if out["cap_per_enterprise_year"] > out["budget"]:
        raise ValidationError(
            {"cap_per_enterprise_year": _("The cap per enterprise cannot exceed the budget.")}
        )
    for name in ("valid_from", "valid_until"):
        if not isinstance(data.get(name), dt.date):
            raise ValidationError({name: _("Enter a date.")})
        out[name] = data[name]
    if out["valid_until"] < out["valid_from"]:
        raise ValidationError({"valid_until": _("The end date is before the start date.")})
    return out


@transaction.atomic
def programme_create(*, actor: Actor, **data: Any) -> VoucherProgramme:
    """A draft programme of the actor's bureau from PROGRAMME_FIELDS."""
    user, bureau = acting_member(
        actor, sel.can_create_programme(actor), _("Only bureau staff run voucher programmes.")
    )
    cleaned = _clean_programme(data)
    programme = VoucherProgramme.objects.create(**cleaned, bureau=bureau, created_by=user)
    voucher_event(programme, actor, VoucherEventKind.PROGRAMME_CREATED, to_state=programme.status)
    audit_record(AuditEventType.CREATE, actor=actor, obj=programme)
    return programme


@transaction.atomic
def programme_update(
    *,
    actor: Actor,
    programme: VoucherProgramme,
    expected_version: int | None = None,
    **data: Any,
) -> VoucherProgramme:
    """Edit a programme's rules. The budget never goes below what is issued, nor the cap
    below what an enterprise already has; a new cap applies to every allowance at once."""
    locked = lock_programme(programme)
    require(sel.runs_programme(actor, locked), _("Only the issuing bureau edits a programme."))
    merged = {name: getattr(locked, name) for name in PROGRAMME_FIELDS}
    merged.update(data)
    cleaned = _clean_programme(merged)
    if cleaned["budget"] < locked.issued_total:
        raise ValidationError(
            {
                "budget": _("%(v)s yuan are already issued; the budget cannot be lower.")
                % {"v": format_yuan(locked.issued_total)}
            }
        )
    new_cap = cleaned["cap_per_enterprise_year"]
    if new_cap != locked.cap_per_enterprise_year:
        highest = max(locked.allowances.values_list("issued", flat=True), default=Decimal(0))
        if highest > new_cap:
            raise ValidationError(
                {
                    "cap_per_enterprise_year": _(
                        "An enterprise already holds %(v)s yuan this year; the cap cannot be lower."
                    )
                    % {"v": format_yuan(highest)}
                }
            )
        locked.allowances.update(cap=new_cap)
    changed = [n for n in PROGRAMME_FIELDS if getattr(locked, n) != cleaned[n]]
    if changed:
        for name in changed:
            setattr(locked, name, cleaned[name])
        locked.save_versioned(
            expected_version=programme.version if expected_version is None else expected_version,
            update_fields=changed,
        )
        voucher_event(locked, actor, VoucherEventKind.PROGRAMME_UPDATED, data={"fields": changed})
        audit_record(AuditEventType.UPDATE, actor=actor, obj=locked, detail={"fields": changed})
    programme.refresh_from_db()
    return programme


def _move_programme(
    actor: Actor, programme: VoucherProgramme, to: str, allowed: set[str], kind: str
) -> VoucherProgramme:
    locked = lock_programme(programme)
    require(sel.runs_programme(actor, locked), _("Only the issuing bureau runs a programme."))
    if locked.status not in allowed:
        raise TransitionError(
            _("A programme that is %(s)s cannot be moved to %(to)s.")
            % {"s": locked.get_status_display(), "to": ProgrammeStatus(to).label}
        )
    if to == ProgrammeStatus.OPEN and locked.valid_until < timezone.localdate():
        raise TransitionError(_("The programme has ended; extend its validity first."))
    old = locked.status
    bump(VoucherProgramme, locked.pk, status=to, version=F("version") + 1)
    voucher_event(locked, actor, kind, from_state=old, to_state=to)
    audit_record(AuditEventType.TRANSITION, actor=actor, obj=locked, detail={"from": old, "to": to})
    programme.refresh_from_db()
    return programme


@transaction.atomic
def programme_open(*, actor: Actor, programme: VoucherProgramme) -> VoucherProgramme:
    """Open a draft or closed programme for applications."""
    return _move_programme(
        actor,
        programme,
        ProgrammeStatus.OPEN,
        {ProgrammeStatus.DRAFT, ProgrammeStatus.CLOSED},
        VoucherEventKind.PROGRAMME_OPENED,
    )


@transaction.atomic
def programme_close(*, actor: Actor, programme: VoucherProgramme) -> VoucherProgramme:
    """Stop new applications. Submitted ones can still be decided, and issued vouchers stay
    usable until they expire."""
    return _move_programme(
        actor,
        programme,
        ProgrammeStatus.CLOSED,
        {ProgrammeStatus.OPEN},
        VoucherEventKind.PROGRAMME_CLOSED,
    )


# --- applications and issuance -------------------------------------------------------------


@transaction.atomic
def application_submit(
    *, actor: Actor, programme: VoucherProgramme, amount_requested: Any, purpose: str = ""
) -> VoucherApplication:
    """An enterprise member applies for ``amount_requested`` yuan under an open programme."""
    user, enterprise = acting_member(
        actor, sel.is_enterprise_member(actor), _("Enterprise members apply for vouchers.")
    )
    programme = VoucherProgramme.objects.get(pk=programme.pk)
    today = timezone.localdate()
    if not (
        programme.status == ProgrammeStatus.OPEN
        and programme.valid_from <= today <= programme.valid_until
    ):
        raise TransitionError(_("The programme is not open for applications."))
    if not sel.region_eligible(programme, enterprise.region_code):
        raise ValidationError(
            {"programme": _("Enterprises of your region are not eligible for this programme.")}
        )
    amount = clean_amount(amount_requested, "amount_requested")
    left = programme.cap_per_enterprise_year - sel.enterprise_issued(
        programme, enterprise.pk, today.year
    )
    if amount > left:
        raise ValidationError(
            {
                "amount_requested": _(
                    "At most %(left)s yuan remain of your enterprise's cap this year."
                )
                % {"left": format_yuan(left)}
            }
        )
    application = VoucherApplication.objects.create(
        programme=programme,
        enterprise=enterprise,
        applicant=user,
        amount_requested=amount,
        purpose=clean_text(purpose, "purpose", limit=2000, required=False),
    )
    voucher_event(
        application,
        actor,
        VoucherEventKind.APPLIED,
        to_state=application.status,
        data={"application": application.pk, "amount": format(amount, "f")},
    )
    audit_record(AuditEventType.CREATE, actor=actor, obj=application)
    return application


def _lock_application(actor: Actor, application: VoucherApplication) -> VoucherApplication:
    locked = VoucherApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != ApplicationStatus.SUBMITTED:
        raise TransitionError(
            _("This application is already decided (%(s)s).") % {"s": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def application_approve(
    *, actor: Actor, application: VoucherApplication, amount: Any = None, note: str = ""
) -> Voucher:
    """Approve (possibly a lower amount) and issue the voucher. Refused when the amount is
    above the programme's unissued budget or the enterprise's remaining yearly cap."""
    locked = _lock_application(actor, application)
    programme = lock_programme(locked.programme)
    require(sel.runs_programme(actor, programme), _("Only the issuing bureau decides."))
    if getattr(actor, "organisation_id", None) == locked.enterprise_id:
        raise TransitionError(_("Nobody approves their own organisation's application."))
    today = timezone.localdate()
    if programme.status == ProgrammeStatus.DRAFT or today > programme.valid_until:
        raise TransitionError(_("The programme is not running; no voucher can be issued."))
    value = locked.amount_requested if amount in (None, "") else clean_amount(amount, "amount")
    if value > locked.amount_requested:
        raise ValidationError({"amount": _("The amount approved cannot exceed the request.")})
    left = programme.budget - programme.issued_total
    if value > left:
        raise ValidationError(
            {
                "amount": _("Only %(left)s yuan of the programme's budget remain unissued.")
                % {"left": format_yuan(left)}
            }
        )
    EnterpriseAllowance.objects.bulk_create(
        [
            EnterpriseAllowance(
                programme=programme,
                enterprise_id=locked.enterprise_id,
                year=today.year,
                cap=programme.cap_per_enterprise_year,
            )
        ],
        ignore_conflicts=True,
    )
    allowance = EnterpriseAllowance.objects.select_for_update().get(
        programme=programme, enterprise_id=locked.enterprise_id, year=today.year
    )
    if allowance.issued + value > allowance.cap:
        raise ValidationError(
            {
                "amount": _("The enterprise has %(left)s yuan left of its cap for %(y)s.")
                % {"left": format_yuan(allowance.cap - allowance.issued), "y": today.year}
            }
        )
    fen = to_fen(value)
    bump(EnterpriseAllowance, allowance.pk, issued=F("issued") + fen)
    bump(VoucherProgramme, programme.pk, issued_total=F("issued_total") + fen)
    code = f"CXQ{today.year}{next_number(f'sharing.voucher:{today.year}'):06d}"
    voucher = Voucher.objects.create(
        code=code,
        programme=programme,
        enterprise_id=locked.enterprise_id,
        application=locked,
        face_value=value,
        valid_from=programme.valid_from,
        valid_until=programme.valid_until,
    )
    locked.status = ApplicationStatus.APPROVED
    locked.amount_approved = value
    locked.decided_by = actor_or_none(actor)
    locked.decided_at = timezone.now()
    locked.decision_note = clean_text(note, "note", limit=2000, required=False)
    locked.save_versioned(
        expected_version=None,
        update_fields=["status", "amount_approved", "decided_by", "decided_at", "decision_note"],
    )
    voucher_event(
        voucher,
        actor,
        VoucherEventKind.APPROVED,
        from_state=ApplicationStatus.SUBMITTED,
        to_state=ApplicationStatus.APPROVED,
        note=locked.decision_note,
        data={
            "requested": format(locked.amount_requested, "f"),
            "approved": format(value, "f"),
            "code": code,
        },
    )
    audit_record(
        AuditEventType.TRANSITION,
        actor=actor,
        obj=locked,
        detail={"from": "submitted", "to": "approved"},
    )
    audit_record(AuditEventType.CREATE, actor=actor, obj=voucher)
    notify(
        recipients=[locked.applicant],
        kind=NotificationKind.OTHER,
        title=phrase(
            "Innovation voucher %(code)s issued: %(v)s yuan",
            {"code": code, "v": format_yuan(value)},
        ),
        body=phrase(
            "Programme: %(p)s. Valid until %(d)s.",
            {"p": programme.name, "d": voucher.valid_until.isoformat()},
        ),
        link=link_to("voucher", voucher.pk),
    )
    application.refresh_from_db()
    return voucher


@transaction.atomic
def application_reject(
    *, actor: Actor, application: VoucherApplication, reason: str
) -> VoucherApplication:
    locked = _lock_application(actor, application)
    require(sel.runs_programme(actor, locked.programme), _("Only the issuing bureau decides."))
    locked.status = ApplicationStatus.REJECTED
    locked.decided_by = actor_or_none(actor)
    locked.decided_at = timezone.now()
    locked.decision_note = clean_text(reason, "reason", limit=2000, required=True)
    locked.save_versioned(
        expected_version=None,
        update_fields=["status", "decided_by", "decided_at", "decision_note"],
    )
    voucher_event(
        locked,
        actor,
        VoucherEventKind.REJECTED,
        from_state=ApplicationStatus.SUBMITTED,
        to_state=ApplicationStatus.REJECTED,
        note=locked.decision_note,
    )
    audit_record(
        AuditEventType.TRANSITION,
        actor=actor,
        obj=locked,
        detail={"from": "submitted", "to": "rejected"},
    )
    notify(
        recipients=[locked.applicant],
        kind=NotificationKind.OTHER,
        title=phrase("Voucher application not approved: %(p)s", {"p": locked.programme.name}),
        body=locked.decision_note,
        link=link_to("voucher_application", locked.pk),
    )
    application.refresh_from_db()
    return application


@transaction.atomic
def vouchers_expire(*, actor: Actor = None, today: dt.date | None = None) -> int:
    """Mark active vouchers past their end date expired (a nightly job; idempotent)."""
    day = today or timezone.localdate()
    count = 0
    for voucher in Voucher.objects.select_for_update().filter(
        status=VoucherStatus.ACTIVE, valid_until__lt=day
    ):
        bump(Voucher, voucher.pk, status=VoucherStatus.EXPIRED)
        voucher_event(
            voucher,
            actor,
            VoucherEventKind.EXPIRED,
            from_state=VoucherStatus.ACTIVE,
            to_state=VoucherStatus.EXPIRED,
        )
        audit_record(
            AuditEventType.TRANSITION,
            actor=actor,
            obj=voucher,
            detail={"from": "active", "to": "expired"},
        )
        count += 1
    return count
