"""Creating, editing, deleting and moving catalogue records through their lifecycle:
draft → submitted → published (by a reviewer of another organisation) or returned with a
reason → withdrawn / expired. Every step writes a RecordEvent and an audit row in the same
transaction and asks the search index to follow after commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.audit import selectors as audit_selectors
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record, audit_record_many, changed_fields
from techbridge.catalogue import selectors
from techbridge.catalogue.kinds import model_for
from techbridge.catalogue.models import (
    CatalogueRecord,
    Demand,
    RecordEvent,
    RecordEventKind,
    Status,
)
from techbridge.catalogue.services.fields import EDITABLE, clean_fields
from techbridge.core.actors import Actor, actor_or_none
from techbridge.core.events import new_event, record_event, record_events
from techbridge.core.exceptions import TransitionError
from techbridge.search.indexing import index_on_commit, remove_on_commit

DEMAND_LISTING_DAYS = 365

EDITABLE_STATUSES = frozenset(
    {Status.DRAFT, Status.RETURNED, Status.WITHDRAWN, Status.PUBLISHED, Status.SUBMITTED}
)


def _unique_error(exc: IntegrityError) -> ValidationError:
    text = str(exc).lower()
    if "external_id" in text or "unique" in text:
        return ValidationError(
            {"external_id": _("Your organisation already has a record with this external id.")}
        )
    return ValidationError(_("The record conflicts with an existing one."))


@transaction.atomic
def record_create(*, actor: Actor, kind: str, owner: Any = None, **data: Any) -> CatalogueRecord:
    """Create a draft of ``kind`` owned by the actor's organisation (bureau staff may name
    another ``owner``). Fields outside the kind's editable set are ignored."""
    if owner is None or not selectors.is_bureau_staff(actor):
        owner = getattr(actor, "organisation", None)
    if owner is None or not (
        selectors.is_bureau_staff(actor) or getattr(actor, "is_member", False)
    ):
        raise PermissionDenied(_("Only members of an organisation create records."))
    return create_record(actor=actor, kind=kind, owner=owner, data=data)


def create_record(
    *,
    actor: Actor,
    kind: str,
    owner: Any,
    data: dict[str, Any],
    extra: dict[str, Any] | None = None,
) -> CatalogueRecord:
    """The shared part of creating: validate, default the region to the owner's, save,
    event, audit, index. Callers have checked the actor's right to create for ``owner``."""
    model = model_for(kind)
    values = clean_fields(
        kind, {k: v for k, v in data.items() if k in EDITABLE[kind]}, creating=True
    )
    if not values.get("region_code"):
        values["region_code"] = owner.region_code or ""
    if kind == "demand" and not values.get("expires_on"):
        # A demand is listed for a year unless it says otherwise; renewal extends it.
        values["expires_on"] = timezone.localdate() + timedelta(days=DEMAND_LISTING_DAYS)
    if kind == "expert":
        _require_consent(values)
        values["consent_at"] = timezone.now()
    record = model(
        owner=owner, created_by=actor_or_none(actor), **values, **(extra or {})
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:
        raise _unique_error(exc) from exc
    record_event(
        RecordEvent,
        subject=record,
        actor=actor,
        kind=RecordEventKind.CREATED,
        to_state=record.status,
    )
    audit_record(AuditEventType.CREATE, actor=actor, obj=record)
    index_on_commit(kind, record.pk)
    return record


def _require_consent(values: dict[str, Any]) -> None:
    if not values.get("consent_version"):
        raise ValidationError(
            {
                "consent_version": _(
                    "The expert's consent to publish their profile is required "
                    "(record the version of the consent text they agreed to)."
                )
            }
        )


@transaction.atomic
def record_update(
    *, actor: Actor, record: CatalogueRecord, expected_version: int | None = None, **data: Any
) -> CatalogueRecord:
    """Apply edits if nobody saved in between (else ConflictError → 409). Status, owner and
    anything else outside the kind's editable fields are ignored, never applied."""
    if not selectors.can_edit(actor, record):
        raise PermissionDenied
    if record.status not in EDITABLE_STATUSES:
        raise TransitionError(_("An expired record cannot be edited; renew it first."))
    kind = record.KIND
    fields = [f for f in EDITABLE[kind] if f != "consent_version"]
    cleaned = clean_fields(kind, {k: v for k, v in data.items() if k in fields}, creating=False)
    before = {name: getattr(record, name) for name in cleaned}
    changed = list(changed_fields(before, cleaned))
    if not changed:
        return record
    for name in changed:
        setattr(record, name, cleaned[name])
    try:
        with transaction.atomic():
            record.save_versioned(expected_version=expected_version, update_fields=changed)
    except IntegrityError as exc:
        raise _unique_error(exc) from exc
    audit_record(AuditEventType.UPDATE, actor=actor, obj=record, detail={"fields": changed})
    if record.status == Status.PUBLISHED:
        # Whatever the public sees has passed review: an edited published record goes back
        # to review (and off the public catalogue) until a reviewer publishes it again.
        return _move(
            actor=actor,
            record=record,
            allowed_from=(Status.PUBLISHED,),
            to=Status.SUBMITTED,
            reason=_("Edited after publication: it is published again after review."),
        )
    index_on_commit(kind, record.pk)
    return record


@transaction.atomic
def record_delete(*, actor: Actor, record: CatalogueRecord) -> None:
    """Delete a record that was never published or has been withdrawn (staff: any)."""
    if not selectors.can_edit(actor, record):
        raise PermissionDenied
    if not selectors.is_bureau_staff(actor) and record.status in (
        Status.PUBLISHED,
        Status.SUBMITTED,
    ):
        raise TransitionError(_("Withdraw the record before deleting it."))
    kind, pk, label = record.KIND, record.pk, str(record)
    # Before the delete: the event names the record by (kind, id), which delete() clears.
    record_event(
        RecordEvent,
        subject=record,
        actor=actor,
        kind=RecordEventKind.DELETED,
        from_state=record.status,
        to_state="deleted",
    )
    record.delete()
    audit_record(
        AuditEventType.DELETE,
        actor=actor,
        object_type=f"catalogue.{type(record).__name__.lower()}",
        object_id=str(pk),
        object_repr=label,
    )
    remove_on_commit(kind, pk)


def _move(
    *,
    actor: Actor,
    record: CatalogueRecord,
    allowed_from: Iterable[str],
    to: str,
    reason: str = "",
    extra: dict[str, Any] | None = None,
) -> CatalogueRecord:
    """Conditional update: the status changes only if it is still one of ``allowed_from``
    (two reviewers clicking at once → one wins, the other gets TransitionError)."""
    allowed = list(allowed_from)
    old = record.status
    if old not in allowed:
        raise TransitionError(
            _("A record that is “%(old)s” cannot become “%(new)s”.")
            % {"old": Status(old).label, "new": Status(to).label}
        )
    values: dict[str, Any] = {"status": to, "version": F("version") + 1, **(extra or {})}
    values["updated_at"] = timezone.now()
    model = type(record)
    updated = model._base_manager.filter(pk=record.pk, status__in=allowed).update(**values)
    if updated != 1:
        raise TransitionError(_("Someone else changed this record's status; reload the page."))
    record.refresh_from_db()
    record_event(
        RecordEvent,
        subject=record,
        actor=actor,
        kind=RecordEventKind.STATUS,
        from_state=old,
        to_state=to,
        note=reason,
    )
    detail: dict[str, Any] = {"from": old, "to": to}
    if reason:
        detail["reason"] = reason[:500]
    audit_record(AuditEventType.TRANSITION, actor=actor, obj=record, detail=detail)
    index_on_commit(record.KIND, record.pk)
    return record


@transaction.atomic
def record_submit(*, actor: Actor, record: CatalogueRecord) -> CatalogueRecord:
    """Owner sends a draft (or returned / withdrawn record) to review."""
    if not selectors.can_edit(actor, record):
        raise PermissionDenied
    if isinstance(record, Demand) and record.needs_confirmation:
        raise TransitionError(
            _(
                "The enterprise has not yet confirmed this demand recorded by the station; "
                "it can be submitted once the enterprise confirms it."
            )
        )
    if not record.technical_field:
        raise ValidationError({"technical_field": _("Choose a technical field before submitting.")})
    return _move(
        actor=actor,
        record=record,
        allowed_from=(Status.DRAFT, Status.RETURNED, Status.WITHDRAWN),
        to=Status.SUBMITTED,
        extra={"return_reason": ""},
    )


def _check_reviewer(actor: Actor, record: CatalogueRecord, verb: str) -> None:
    if not selectors.is_reviewer(actor):
        raise PermissionDenied(_("Only bureau reviewers may do this."))
    own_id = getattr(actor, "organisation_id", None)
    if own_id is not None and own_id == record.owner_id:
        raise TransitionError(
            _(
                "You cannot %(verb)s a record of your own organisation; "
                "another organisation's reviewer must decide on it."
            )
            % {"verb": verb}
        )
    decided = audit_selectors.last_transition_id(record, to=(Status.PUBLISHED, Status.RETURNED))
    if audit_selectors.edited_by_since(record, actor=actor, after_id=decided):
        raise TransitionError(
            _(
                "You edited this record since its last review, so you cannot %(verb)s it; "
                "another reviewer decides on the text you wrote."
            )
            % {"verb": verb}
        )


@transaction.atomic
def record_publish(*, actor: Actor, record: CatalogueRecord) -> CatalogueRecord:
    """A reviewer of another organisation publishes a submitted record."""
    _check_reviewer(actor, record, _("publish"))
    return _move(
        actor=actor,
        record=record,
        allowed_from=(Status.SUBMITTED,),
        to=Status.PUBLISHED,
        extra={"published_at": timezone.now(), "return_reason": ""},
    )


@transaction.atomic
def record_return(*, actor: Actor, record: CatalogueRecord, reason: str) -> CatalogueRecord:
    """A reviewer sends a submitted record back with a reason; the owner edits and
    resubmits."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the record is returned.")})
    _check_reviewer(actor, record, _("return"))
    return _move(
        actor=actor,
        record=record,
        allowed_from=(Status.SUBMITTED,),
        to=Status.RETURNED,
        reason=reason,
        extra={"return_reason": reason[:2000]},
    )


@transaction.atomic
def record_withdraw(*, actor: Actor, record: CatalogueRecord, reason: str = "") -> CatalogueRecord:
    """The owner (or bureau staff) takes a record off the catalogue."""
    if not selectors.can_edit(actor, record):
        raise PermissionDenied
    return _move(
        actor=actor,
        record=record,
        allowed_from=(
            Status.DRAFT,
            Status.SUBMITTED,
            Status.PUBLISHED,
            Status.RETURNED,
            Status.EXPIRED,
        ),
        to=Status.WITHDRAWN,
        reason=(reason or "").strip(),
    )


@transaction.atomic
def record_expire(*, actor: Actor, record: CatalogueRecord) -> CatalogueRecord:
    """A published record reached its expiry (the ``expire_demands`` command)."""
    return _move(actor=actor, record=record, allowed_from=(Status.PUBLISHED,), to=Status.EXPIRED)


@transaction.atomic
def records_publish_many(*, actor: Actor, records: list[CatalogueRecord]) -> int:
    """Bulk publish (import --publish): one UPDATE per chunk, events and audit rows in
    bulk. The reviewer rule holds: never the actor's own organisation's records."""
    if not records:
        return 0
    own = [r for r in records if r.owner_id == getattr(actor, "organisation_id", None)]
    if not selectors.is_reviewer(actor):
        raise PermissionDenied(_("Only bureau reviewers may publish."))
    if own:
        raise TransitionError(_("You cannot publish records of your own organisation."))
    model = type(records[0])
    now = timezone.now()
    ids = [r.pk for r in records if r.status != Status.PUBLISHED]
    olds = {r.pk: r.status for r in records}  # before the UPDATE changes them
    for start in range(0, len(ids), 900):
        model._base_manager.filter(pk__in=ids[start : start + 900]).update(
            status=Status.PUBLISHED, published_at=now, version=F("version") + 1, updated_at=now
        )
    by_pk = {r.pk: r for r in records}
    record_events(
        RecordEvent,
        (
            new_event(
                RecordEvent,
                subject=by_pk[pk],
                actor=actor,
                kind=RecordEventKind.STATUS,
                from_state=olds[pk],
                to_state=Status.PUBLISHED,
                note="import",
                at=now,
            )
            for pk in ids
        ),
    )
    moved = set(ids)
    changed = [r for r in records if r.pk in moved]
    for record in changed:
        record.status, record.published_at = Status.PUBLISHED, now
    audit_record_many(
        AuditEventType.TRANSITION,
        actor=actor,
        objects=changed,
        detail={"to": Status.PUBLISHED, "via": "import"},
    )
    return len(ids)
