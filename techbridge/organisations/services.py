"""Organisation services: create, update (optimistic version check), delete, verify."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record, changed_fields
from techbridge.codes import selectors as codes
from techbridge.core.actors import Actor
from techbridge.core.exceptions import TransitionError
from techbridge.organisations.models import Organisation, OrganisationKind, OrganisationStatus
from techbridge.organisations.selectors import FULL_VIEW_ROLES
from techbridge.organisations.uscc import clean_uscc

EDITABLE_FIELDS = (
    "external_id",
    "kind",
    "name",
    "short_name",
    "uscc",
    "region_code",
    "industry_code",
    "legal_person_type",
    "tier",
    "address",
    "website",
    "description",
    "contact_name",
    "contact_phone",
    "contact_email",
)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise organisation fields; raise ValidationError naming each field."""
    errors: dict[str, list[str]] = {}
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    if "name" in cleaned and not cleaned["name"]:
        errors.setdefault("name", []).append(_("Name is required."))
    if "kind" in cleaned and cleaned["kind"] not in OrganisationKind.values:
        errors.setdefault("kind", []).append(
            _("Unknown kind %(kind)s; use one of: %(kinds)s")
            % {"kind": cleaned["kind"], "kinds": ", ".join(OrganisationKind.values)}
        )
    if cleaned.get("uscc"):
        try:
            cleaned["uscc"] = clean_uscc(cleaned["uscc"])
        except ValidationError as exc:
            errors.setdefault("uscc", []).extend(exc.messages)
    elif "uscc" in cleaned:
        cleaned["uscc"] = None
    if "external_id" in cleaned and not cleaned["external_id"]:
        cleaned["external_id"] = None
    region = cleaned.get("region_code")
    if region and not codes.is_valid_region(region):
        errors.setdefault("region_code", []).append(
            _("Unknown region code %(code)s (GB/T 2260).") % {"code": region}
        )
    industry = cleaned.get("industry_code")
    if industry and not codes.is_valid_industry(industry):
        errors.setdefault("industry_code", []).append(
            _("Unknown industry code %(code)s (GB/T 4754-2017).") % {"code": industry}
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def _unique_error(exc: IntegrityError) -> ValidationError:
    text = str(exc).lower()
    if "uscc" in text:
        return ValidationError({"uscc": _("An organisation with this credit code exists.")})
    if "external_id" in text:
        return ValidationError({"external_id": _("An organisation with this external id exists.")})
    return ValidationError(_("The organisation conflicts with an existing one."))


@transaction.atomic
def organisation_create(*, actor: Actor, **data: Any) -> Organisation:
    """Create an organisation from validated field values; audited."""
    unknown = set(data) - set(EDITABLE_FIELDS) - {"status"}
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    cleaned = _clean(data)
    organisation = Organisation(**cleaned)
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError as exc:
        raise _unique_error(exc) from exc
    audit_record(AuditEventType.CREATE, actor=actor, obj=organisation)
    return organisation


@transaction.atomic
def organisation_update(
    *, actor: Actor, organisation: Organisation, expected_version: int | None = None, **data: Any
) -> Organisation:
    """Apply edits if nobody saved in between (else ConflictError → 409). Fields that are
    not editable here (status, version) are ignored, never applied."""
    data = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    cleaned = _clean(data)
    before = {name: getattr(organisation, name) for name in cleaned}
    for name, value in cleaned.items():
        setattr(organisation, name, value)
    changed = list(changed_fields(before, cleaned))
    if not changed:
        return organisation
    recheck = (
        organisation.status == OrganisationStatus.VERIFIED
        and bool(set(changed) & set(VERIFIED_FIELDS))
        and not _is_verifier(actor, organisation)
    )
    if recheck:
        # What the bureau verified (name, credit code, kind, legal-person type, tier) is
        # verified again after the organisation changes it itself.
        organisation.status = OrganisationStatus.PENDING
    try:
        with transaction.atomic():
            organisation.save_versioned(
                expected_version=expected_version,
                update_fields=[*changed, "status"] if recheck else changed,
            )
    except IntegrityError as exc:
        raise _unique_error(exc) from exc
    audit_record(AuditEventType.UPDATE, actor=actor, obj=organisation, detail={"fields": changed})
    if recheck:
        audit_record(
            AuditEventType.TRANSITION,
            actor=actor,
            obj=organisation,
            detail={
                "from": OrganisationStatus.VERIFIED,
                "to": OrganisationStatus.PENDING,
                "reason": "verified fields changed",
                "fields": sorted(set(changed) & set(VERIFIED_FIELDS)),
            },
        )
    return organisation


# What verification vouches for: changing one of these by the organisation itself sends it
# back to verification.
VERIFIED_FIELDS = ("name", "uscc", "kind", "legal_person_type", "tier")


def _is_verifier(actor: Actor, organisation: Organisation) -> bool:
    """Bureau staff and the system administrator verify organisations — never their own."""
    return (
        getattr(actor, "role", None) in FULL_VIEW_ROLES
        and getattr(actor, "organisation_id", None) != organisation.pk
    )


@transaction.atomic
def organisation_delete(*, actor: Actor, organisation: Organisation) -> None:
    pk, label = organisation.pk, str(organisation)
    try:
        with transaction.atomic():
            organisation.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("This organisation still has members or records; deactivate it instead.")
        ) from exc
    audit_record(
        AuditEventType.DELETE,
        actor=actor,
        object_type="organisations.organisation",
        object_id=str(pk),
        object_repr=label,
    )


@transaction.atomic
def organisation_set_status(
    *, actor: Actor, organisation: Organisation, status: OrganisationStatus
) -> Organisation:
    """Verify or suspend. Nobody verifies their own organisation."""
    if getattr(actor, "organisation_id", None) == organisation.pk:
        raise TransitionError(_("You cannot verify or suspend your own organisation."))
    old = organisation.status
    if old == status:
        return organisation
    organisation.status = status
    organisation.save_versioned(expected_version=None, update_fields=["status"])
    audit_record(
        AuditEventType.TRANSITION, actor=actor, obj=organisation, detail={"from": old, "to": status}
    )
    return organisation
