"""Contract services: write, submit, certify and register, return, amend, cancel, attach.

Each is one transaction that writes the change, a ContractEvent row and an audit row.
Registering takes the next registration number in the same transaction (numbering.py).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.contracts import numbering, selectors
from techbridge.contracts.fields import CERTIFIED_FIELDS, CONTRACT_FIELDS
from techbridge.contracts.models import (
    CHINA,
    ContractAttachment,
    ContractEvent,
    ContractEventKind,
    ContractStatus,
    TechnologyContract,
)
from techbridge.contracts.validation import check_whole, clean_contract
from techbridge.core.actors import Actor, actor_or_none
from techbridge.core.attachments import store_attachment
from techbridge.core.events import record_event
from techbridge.core.exceptions import ConflictError, TransitionError
from techbridge.organisations.models import Organisation

EDITABLE_FIELDS = CONTRACT_FIELDS


def _fill_party(values: dict[str, Any], side: str) -> None:
    """A linked organisation supplies the name, region and legal-person type left empty."""
    org = values.get(f"{side}_organisation")
    if not isinstance(org, Organisation):
        return
    if not values.get(f"{side}_name"):
        values[f"{side}_name"] = org.name
    if not values.get(f"{side}_region"):
        values[f"{side}_region"] = org.region_code
    if not values.get(f"{side}_type"):
        values[f"{side}_type"] = org.legal_person_type
    values.setdefault(f"{side}_country", CHINA)


def _current(contract: TechnologyContract) -> dict[str, Any]:
    values = {name: getattr(contract, name) for name in EDITABLE_FIELDS}
    return values


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


@transaction.atomic
def contract_create(*, actor: Actor, **data: Any) -> TechnologyContract:
    """A new draft from field values (EDITABLE_FIELDS); ValidationError names each bad
    field. The creator and the seller organisation's members may edit and submit it."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    for side in ("seller", "buyer"):
        _fill_party(data, side)
    cleaned = clean_contract(data)
    check_whole(cleaned)
    _check_own_party(actor, cleaned)
    contract = TechnologyContract.objects.create(
        **cleaned, status=ContractStatus.DRAFT, created_by=actor_or_none(actor)
    )
    record_event(
        ContractEvent,
        subject=contract,
        actor=actor,
        kind=ContractEventKind.CREATED,
        to_state=contract.status,
    )
    audit_record(AuditEventType.CREATE, actor=actor, obj=contract)
    return contract


# Members who must be a party to the contracts they write. Brokers write contracts for the
# parties they bring together, and registrars enter contracts filed on paper.
_PARTY_ROLES = frozenset({Role.ENTERPRISE_MEMBER, Role.INSTITUTION_MEMBER, Role.STATION_STAFF})


def _check_own_party(actor: Actor, values: dict[str, Any]) -> None:
    """An enterprise or institution member registers only contracts their own organisation
    signed, as seller or buyer (linked, not merely named)."""
    if getattr(actor, "role", None) not in _PARTY_ROLES:
        return
    own = getattr(actor, "organisation_id", None)
    parties = {
        getattr(values.get(f"{side}_organisation"), "pk", values.get(f"{side}_organisation"))
        for side in ("seller", "buyer")
    }
    if own is None or own not in parties:
        raise ValidationError(
            {
                "seller_organisation": _(
                    "Your organisation must be the seller or the buyer of a contract you "
                    "register; a broker or the contract office registers contracts between "
                    "other organisations."
                )
            }
        )


def _apply(
    contract: TechnologyContract,
    data: dict[str, Any],
    expected_version: int | None,
    actor: Actor = None,
) -> list[str]:
    """Validate edits against the whole contract and save them; return changed names."""
    data = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    merged = _current(contract)
    merged.update(data)
    for side in ("seller", "buyer"):
        if f"{side}_organisation" in data:
            _fill_party(merged, side)
            data.update({k: merged[k] for k in merged if k.startswith(side)})
    cleaned = clean_contract(data)
    merged.update(cleaned)
    check_whole(merged)
    _check_own_party(actor, merged)
    changed = [name for name, value in cleaned.items() if getattr(contract, name) != value]
    for name in changed:
        setattr(contract, name, cleaned[name])
    if changed:
        contract.save_versioned(expected_version=expected_version, update_fields=changed)
    return changed


@transaction.atomic
def contract_update(
    *, actor: Actor, contract: TechnologyContract, expected_version: int | None = None, **data: Any
) -> TechnologyContract:
    """Edit a draft or returned contract (its creator or the seller side)."""
    _lock(contract)
    if not selectors.can_edit(actor, contract):
        raise TransitionError(_("Only drafts and returned contracts can be edited."))
    changed = _apply(contract, data, expected_version, actor)
    if changed:
        record_event(
            ContractEvent,
            subject=contract,
            actor=actor,
            kind=ContractEventKind.UPDATED,
            data={"fields": changed},
        )
        audit_record(AuditEventType.UPDATE, actor=actor, obj=contract, detail={"fields": changed})
    return contract


def _lock(contract: TechnologyContract) -> None:
    """Re-read the row under a lock so the status checks below see the committed state."""
    fresh = TechnologyContract.objects.select_for_update().get(pk=contract.pk)
    if fresh.version != contract.version:
        raise ConflictError()
    contract.status = fresh.status


def _transition(
    contract: TechnologyContract,
    *,
    to: ContractStatus,
    allowed_from: set[ContractStatus],
    extra: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> str:
    """Move the status with one conditional UPDATE; anything else in between → 409."""
    old = contract.status
    if old not in allowed_from:
        raise TransitionError(
            _("A contract in status %(status)s cannot be moved to %(to)s.")
            % {"status": ContractStatus(old).label, "to": ContractStatus(to).label}
        )
    contract.status = to
    fields = ["status"]
    for name, value in (extra or {}).items():
        setattr(contract, name, value)
        fields.append(name)
    contract.save_versioned(expected_version=expected_version, update_fields=fields)
    return old


@transaction.atomic
def contract_submit(*, actor: Actor, contract: TechnologyContract) -> TechnologyContract:
    """Draft or returned → submitted, by the seller side or its broker."""
    _lock(contract)
    if not selectors.can_submit(actor, contract):
        raise TransitionError(_("Only the seller side or its broker can submit this contract."))
    check_whole(_current(contract))
    old = _transition(
        contract,
        to=ContractStatus.SUBMITTED,
        allowed_from={ContractStatus.DRAFT, ContractStatus.RETURNED},
        extra={"submitted_by": actor},
    )
    kind = (
        ContractEventKind.RESUBMITTED
        if old == ContractStatus.RETURNED
        else ContractEventKind.SUBMITTED
    )
    record_event(
        ContractEvent,
        subject=contract,
        actor=actor,
        kind=kind,
        from_state=old,
        to_state=ContractStatus.SUBMITTED,
    )
    audit_record(
        AuditEventType.TRANSITION,
        actor=actor,
        obj=contract,
        detail={"from": old, "to": "submitted"},
    )
    return contract


def _require_registrar(actor: Actor, contract: TechnologyContract) -> None:
    if not selectors.is_registrar(actor):
        raise TransitionError(_("Only a registrar of the technology-market office can do this."))
    if selectors.is_party(actor, contract):
        raise TransitionError(
            _("A registrar never certifies a contract of their own organisation.")
        )


@transaction.atomic
def contract_certify_and_register(
    *,
    actor: Actor,
    contract: TechnologyContract,
    contract_type: str | None = None,
    technical_field: str | None = None,
    technology_amount: Any = None,
    expected_version: int | None = None,
) -> TechnologyContract:
    """Certify type, technical field and technology amount (optionally corrected) and
    register: submitted → registered with the next registration number."""
    _lock(contract)
    _require_registrar(actor, contract)
    if contract.status != ContractStatus.SUBMITTED:
        raise TransitionError(_("Only submitted contracts can be registered."))
    corrections = {
        name: value
        for name, value in (
            ("contract_type", contract_type),
            ("technical_field", technical_field),
            ("technology_amount", technology_amount),
        )
        if value not in (None, "")
    }
    before = {name: _plain(getattr(contract, name)) for name in CERTIFIED_FIELDS}
    cleaned = clean_contract(corrections)
    merged = _current(contract)
    merged.update(cleaned)
    check_whole(merged)
    for name, value in cleaned.items():
        setattr(contract, name, value)
    now = timezone.now()
    office = numbering.office_for(actor)
    number = numbering.next_number(year=timezone.localdate(now).year, office=office)
    _transition(
        contract,
        to=ContractStatus.REGISTERED,
        allowed_from={ContractStatus.SUBMITTED},
        extra={
            **cleaned,
            "registration_number": number,
            "registration_office": office,
            "registered_at": now,
            "registered_by": actor,
            "return_reason": "",
        },
        expected_version=expected_version,
    )
    after = {name: _plain(getattr(contract, name)) for name in CERTIFIED_FIELDS}
    adjusted = {n: [before[n], after[n]] for n in CERTIFIED_FIELDS if before[n] != after[n]}
    record_event(
        ContractEvent,
        subject=contract,
        actor=actor,
        kind=ContractEventKind.REGISTERED,
        from_state=ContractStatus.SUBMITTED,
        to_state=ContractStatus.REGISTERED,
        data={"registration_number": number, "adjusted": adjusted},
    )
    audit_record(
        AuditEventType.TRANSITION,
        actor=actor,
        obj=contract,
        detail={"from": "submitted", "to": "registered", "adjusted": sorted(adjusted)},
    )
    return contract


@transaction.atomic
def contract_return(
    *, actor: Actor, contract: TechnologyContract, reason: str
) -> TechnologyContract:
    """Submitted → returned with a reason the seller side reads before resubmitting."""
    _lock(contract)
    _require_registrar(actor, contract)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the contract is returned.")]})
    _transition(
        contract,
        to=ContractStatus.RETURNED,
        allowed_from={ContractStatus.SUBMITTED},
        extra={"return_reason": reason},
    )
    record_event(
        ContractEvent,
        subject=contract,
        actor=actor,
        kind=ContractEventKind.RETURNED,
        from_state=ContractStatus.SUBMITTED,
        to_state=ContractStatus.RETURNED,
        note=reason,
    )
    audit_record(
        AuditEventType.TRANSITION,
        actor=actor,
        obj=contract,
        detail={"from": "submitted", "to": "returned"},
    )
    return contract


@transaction.atomic
def contract_amend(
    *,
    actor: Actor,
    contract: TechnologyContract,
    reason: str,
    expected_version: int | None = None,
    **changes: Any,
) -> TechnologyContract:
    """Change a registered contract (registrar only); the event records each changed
    field with its old and new value and the reason. Statistics see it at once."""
    _lock(contract)
    _require_registrar(actor, contract)
    if contract.status != ContractStatus.REGISTERED:
        raise TransitionError(_("Only registered contracts are amended; edit drafts instead."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the registered contract is amended.")]})
    before = {name: _plain(getattr(contract, name)) for name in EDITABLE_FIELDS}
    changed = _apply(contract, changes, expected_version)
    if not changed:
        return contract
    detail = {
        "fields": {n: [before[n], _plain(getattr(contract, n))] for n in changed if n in before}
    }
    record_event(
        ContractEvent,
        subject=contract,
        actor=actor,
        kind=ContractEventKind.AMENDED,
        note=reason,
        data=detail,
    )
    audit_record(AuditEventType.UPDATE, actor=actor, obj=contract, detail={"fields": changed})
    return contract


@transaction.atomic
def contract_cancel(
    *, actor: Actor, contract: TechnologyContract, reason: str
) -> TechnologyContract:
    """Cancel: a registered contract by a registrar (it leaves the statistics at once);
    a draft, submitted or returned one by its seller side too."""
    _lock(contract)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the contract is cancelled.")]})
    if contract.status == ContractStatus.REGISTERED:
        _require_registrar(actor, contract)
    elif not (
        selectors.is_registrar(actor)
        or selectors.is_seller_side(actor, contract)
        or contract.created_by_id == getattr(actor, "pk", None)
    ):
        raise TransitionError(_("Only the seller side or a registrar can cancel this contract."))
    old = _transition(
        contract,
        to=ContractStatus.CANCELLED,
        allowed_from={
            ContractStatus.DRAFT,
            ContractStatus.SUBMITTED,
            ContractStatus.RETURNED,
            ContractStatus.REGISTERED,
        },
    )
    record_event(
        ContractEvent,
        subject=contract,
        actor=actor,
        kind=ContractEventKind.CANCELLED,
        from_state=old,
        to_state=ContractStatus.CANCELLED,
        note=reason,
        data={"from": old},
    )
    audit_record(
        AuditEventType.TRANSITION,
        actor=actor,
        obj=contract,
        detail={"from": old, "to": "cancelled"},
    )
    return contract


@transaction.atomic
def contract_attach(
    *, actor: Actor, contract: TechnologyContract, upload: UploadedFile
) -> ContractAttachment:
    """Store a checked attachment under a random name (see attachments.check_upload)."""
    if not (selectors.can_edit(actor, contract) or selectors.can_certify(actor, contract)):
        raise TransitionError(_("You cannot add attachments to this contract now."))
    attachment = store_attachment(
        ContractAttachment, subject=contract, actor=actor, upload=upload
    )
    record_event(
        ContractEvent,
        subject=contract,
        actor=actor,
        kind=ContractEventKind.ATTACHED,
        data={"attachment": attachment.pk},
    )
    audit_record(AuditEventType.CREATE, actor=actor, obj=attachment)
    return attachment
