"""The recommended resource's contact person, shown once the enterprise accepted: to the
accepting enterprise (its contact grant) and to the broker who recommended it. The
record's own contact (an expert's phone and e-mail, a record's contact person) comes
first; a record without one falls back to its owner organisation's contact. Every reveal
is audited (PIPL: revealing personal data is recorded)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Model

from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record_many
from techbridge.brokerage.models import ContactGrant, Recommendation, RecommendationStatus
from techbridge.catalogue.kinds import KINDS

CONTACT_FIELDS: tuple[str, ...] = ("contact_name", "contact_phone", "contact_email")
EXPERT_FIELDS: tuple[str, ...] = ("name", "phone", "email")


def _may_see(user: Any, recos: list[Recommendation]) -> list[Recommendation]:
    """The accepted recommendations whose contact ``user`` may see here."""
    accepted = [r for r in recos if r.status == RecommendationStatus.ACCEPTED]
    if not accepted or not getattr(user, "is_authenticated", False):
        return []
    org_id = user.organisation_id if user.is_member else None
    granted = (
        set(
            ContactGrant.objects.filter(
                recommendation__in=accepted, enterprise_id=org_id
            ).values_list("recommendation_id", flat=True)
        )
        if org_id
        else set()
    )
    return [r for r in accepted if r.pk in granted or r.broker_id == user.pk]


def _is_expert(record: Any) -> bool:
    # By model name: brokerage reads catalogue records through catalogue.kinds only.
    return bool(record._meta.model_name == "expert")


def _contact_of(record: Any) -> dict[str, str]:
    if _is_expert(record):
        if record.consent_withdrawn_at:
            return {}
        found = {"name": record.name, "phone": record.phone, "email": record.email}
        return found if found["phone"] or found["email"] else {}
    found = {
        "name": record.contact_name,
        "phone": record.contact_phone,
        "email": record.contact_email,
    }
    return found if any(found.values()) else {}


def resource_contacts(
    user: Any, recos: Iterable[Recommendation], *, via: str
) -> dict[int, dict[str, str]]:
    """{recommendation id: {"name", "phone", "email"}} for the recommendations of
    ``recos`` whose contact ``user`` may see (one query per resource kind)."""
    visible = _may_see(user, list(recos))
    ids: dict[str, set[int]] = defaultdict(set)
    for reco in visible:
        ids[reco.resource_kind].add(reco.resource_id)
    records: dict[tuple[str, int], Any] = {}
    for kind, pks in ids.items():
        model = KINDS.get(kind)
        if model is not None:
            for found in model._default_manager.filter(pk__in=pks):
                records[(kind, found.pk)] = found
    out: dict[int, dict[str, str]] = {}
    revealed: dict[tuple[str, ...], dict[tuple[str, int], Model]] = defaultdict(dict)
    for reco in visible:
        record = records.get((reco.resource_kind, reco.resource_id))
        contact = _contact_of(record) if record is not None else {}
        source: Model | None = record
        if not contact or source is None:
            org = reco.resource_owner
            contact = {
                "name": org.contact_name,
                "phone": org.contact_phone,
                "email": org.contact_email,
            }
            source = org
        if any(contact.values()):
            out[reco.pk] = contact
            fields = EXPERT_FIELDS if _is_expert(source) else CONTACT_FIELDS
            revealed[fields][(source._meta.label_lower, source.pk)] = source
    for fields, objects in revealed.items():
        audit_record_many(
            AuditEventType.REVEAL,
            actor=user,
            objects=objects.values(),
            detail={"fields": list(fields), "via": via},
        )
    return out
