"""Small pieces shared by the voucher services (programmes, redemption, claims)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from techbridge.core.actors import Actor, is_active_user
from techbridge.core.events import record_event
from techbridge.core.money import parse_amount
from techbridge.sharing.models import VoucherEvent, VoucherProgramme

if TYPE_CHECKING:
    from techbridge.accounts.models import User
    from techbridge.organisations.models import Organisation


def clean_amount(value: Any, field: str) -> Decimal:
    try:
        return parse_amount(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def clean_text(value: Any, field: str, *, limit: int, required: bool) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > limit:
        raise ValidationError(
            {field: _("At most %(n)s characters (this has %(m)s).") % {"n": limit, "m": len(text)}}
        )
    return text


def voucher_event(subject: Any, actor: Actor, kind: str, **extra: Any) -> None:
    record_event(VoucherEvent, subject=subject, actor=actor, kind=kind, **extra)


def require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def acting_member(actor: Actor, allowed: bool, message: str) -> tuple[User, Organisation]:
    """The signed-in actor and their organisation, if ``allowed``; else PermissionDenied."""
    if not (allowed and is_active_user(actor) and actor.organisation is not None):
        raise PermissionDenied(message)
    return actor, actor.organisation


def bump(model: Any, pk: int, **values: Any) -> None:
    """Write counters with one UPDATE (the database checks the result). Versioned rows keep
    their version: a counter moving is not an edit, so an open edit form stays valid."""
    model.objects.filter(pk=pk).update(**values)


def link_to(name: str, pk: int) -> str:
    return reverse(f"sharing:{name}", kwargs={"pk": pk})


def lock_programme(programme: VoucherProgramme) -> VoucherProgramme:
    return VoucherProgramme.objects.select_for_update().get(pk=programme.pk)
