"""Expert personal data (PIPL): consent withdrawal anonymises, revealing is audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.catalogue import selectors
from techbridge.catalogue.models import Expert, RecordEvent, RecordEventKind, Status
from techbridge.core.actors import Actor
from techbridge.core.events import record_event
from techbridge.core.exceptions import TransitionError
from techbridge.core.masking import mask_name
from techbridge.search.indexing import remove_on_commit


@transaction.atomic
def expert_withdraw_consent(*, actor: Actor, expert: Expert) -> Expert:
    """The expert withdrew consent: hide the profile, erase contact data and profile text,
    keep only a masked name; the audit trail stays."""
    if not selectors.can_edit(actor, expert):
        raise PermissionDenied
    if expert.consent_withdrawn_at is not None:
        raise TransitionError(_("Consent was already withdrawn."))
    old = expert.status
    now = timezone.now()
    Expert.objects.filter(pk=expert.pk).update(
        consent_withdrawn_at=now,
        status=Status.WITHDRAWN,
        name=mask_name(expert.name),
        phone="",
        email="",
        profile="",
        contact_name="",
        contact_phone="",
        contact_email="",
        version=F("version") + 1,
        updated_at=now,
    )
    expert.refresh_from_db()
    record_event(
        RecordEvent,
        subject=expert,
        actor=actor,
        kind=RecordEventKind.CONSENT,
        from_state=old,
        to_state=Status.WITHDRAWN,
        note=_("Consent withdrawn; personal data erased"),
    )
    audit_record(
        AuditEventType.TRANSITION,
        actor=actor,
        obj=expert,
        detail={"from": old, "to": Status.WITHDRAWN, "consent": "withdrawn"},
    )
    remove_on_commit("expert", expert.pk)
    return expert


def can_reveal(user: Any) -> bool:
    """Bureau staff may reveal an expert's phone and e-mail (each reveal audited)."""
    return selectors.is_bureau_staff(user)


@transaction.atomic
def expert_reveal(*, actor: Actor, expert: Expert) -> dict[str, str]:
    """Unmasked phone and e-mail for bureau staff; writes an audit REVEAL row."""
    if not can_reveal(actor):
        raise PermissionDenied
    audit_record(
        AuditEventType.REVEAL, actor=actor, obj=expert, detail={"fields": ["phone", "email"]}
    )
    return {"phone": expert.phone, "email": expert.email}
