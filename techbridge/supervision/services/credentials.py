"""Issuing and checking the two non-account credentials: a project contact's personal link
and an Open311 client system's api_key. Each secret is shown once, when issued; only its
SHA-256 digest is stored (32 random bytes need no slow hash)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.audit.models import AuditEventType, AuditResult
from techbridge.audit.services import audit_record
from techbridge.core.actors import Actor, actor_or_none
from techbridge.projects.models import Project
from techbridge.supervision import rules
from techbridge.supervision.models import ContactLink, Open311Client
from techbridge.supervision.services._text import clean_line, clean_phone

LINK_PREFIX = "pl_"
KEY_PREFIX = "o311_"
LINK_DAYS = 365
MAX_LINK_DAYS = 3 * 365
USE_STAMP_INTERVAL = timedelta(minutes=5)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _bureau_only(actor: Actor) -> None:
    if not rules.is_bureau(actor):
        raise PermissionDenied(_("Only bureau staff issue links and keys."))


@transaction.atomic
def link_issue(
    *,
    actor: Actor,
    project: Project,
    contact_name: str,
    contact_phone: str = "",
    days: int = LINK_DAYS,
) -> tuple[ContactLink, str]:
    """A personal link for one contact of ``project``; returns it with its secret (put it
    in the URL the contact gets; it is never shown again)."""
    _bureau_only(actor)
    name = clean_line(
        contact_name, field="contact_name", label=_("Contact person"), limit=60, required=True
    )
    phone = clean_phone(contact_phone)
    if not 1 <= int(days) <= MAX_LINK_DAYS:
        raise ValidationError({"days": _("A link lives 1 to %(n)d days.") % {"n": MAX_LINK_DAYS}})
    secret = LINK_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    link = ContactLink.objects.create(
        project=project,
        contact_name=name,
        contact_phone=phone,
        prefix=secret[:9],
        key_digest=digest(secret),
        issued_by=actor_or_none(actor),
        issued_at=now,
        expires_at=now + timedelta(days=int(days)),
    )
    audit_record(
        AuditEventType.TOKEN_CREATE,
        actor=actor,
        obj=link,
        detail={"kind": "personal_link", "expires_at": link.expires_at.isoformat()},
    )
    return link, secret


@transaction.atomic
def link_revoke(*, actor: Actor, link: ContactLink) -> ContactLink:
    _bureau_only(actor)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        audit_record(
            AuditEventType.TOKEN_REVOKE, actor=actor, obj=link, detail={"kind": "personal_link"}
        )
    return link


def _stamp(model: type[ContactLink] | type[Open311Client], pk: int) -> None:
    now = timezone.now()
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - USE_STAMP_INTERVAL)
    model.objects.filter(stale, pk=pk).update(last_used_at=now)


def link_for_secret(secret: str) -> ContactLink | None:
    """The live link with this secret, or None (an unknown, revoked or expired one is
    audited as a refused use)."""
    if not secret or len(secret) > 100:
        return None
    link = ContactLink.objects.select_related("project").filter(key_digest=digest(secret)).first()
    if link is None or not link.is_live:
        audit_record(
            AuditEventType.TOKEN_USE,
            actor=None,
            obj=link,
            result=AuditResult.FAILURE,
            object_type="supervision.contactlink",
            detail={"reason": "unknown" if link is None else "revoked or expired"},
        )
        return None
    _stamp(ContactLink, link.pk)
    return link


def live_link(pk: int | None) -> ContactLink | None:
    """The link a mobile session holds (by id), if still live."""
    if pk is None:
        return None
    link = ContactLink.objects.select_related("project").filter(pk=pk).first()
    return link if link is not None and link.is_live else None


@transaction.atomic
def client_issue(*, actor: Actor, name: str, reads_all: bool = False) -> tuple[Open311Client, str]:
    """An api_key for an Open311 client system; returns it with the key (shown once)."""
    _bureau_only(actor)
    name = clean_line(name, field="name", label=_("Client system"), limit=100, required=True)
    if Open311Client.objects.filter(name=name).exists():
        raise ValidationError({"name": _("A client system of this name exists already.")})
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    client = Open311Client.objects.create(
        name=name,
        prefix=key[:10],
        key_digest=digest(key),
        reads_all=bool(reads_all),
        issued_by=actor_or_none(actor),
    )
    audit_record(
        AuditEventType.TOKEN_CREATE,
        actor=actor,
        obj=client,
        detail={"kind": "open311", "reads_all": client.reads_all},
    )
    return client, key


@transaction.atomic
def client_revoke(*, actor: Actor, client: Open311Client) -> Open311Client:
    _bureau_only(actor)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        audit_record(
            AuditEventType.TOKEN_REVOKE, actor=actor, obj=client, detail={"kind": "open311"}
        )
    return client


def client_for_key(key: str) -> Open311Client | None:
    """The live client with this api_key, or None (a refused key is audited)."""
    if not key or len(key) > 100:
        return None
    client = Open311Client.objects.filter(key_digest=digest(key)).first()
    if client is None or not client.is_live:
        audit_record(
            AuditEventType.TOKEN_USE,
            actor=None,
            obj=client,
            result=AuditResult.FAILURE,
            object_type="supervision.open311client",
            detail={"reason": "unknown" if client is None else "revoked"},
        )
        return None
    _stamp(Open311Client, client.pk)
    return client
