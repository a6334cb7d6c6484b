"""Helpers the brokerage services share: who may act, and notifying an organisation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model

from techbridge.accounts.roles import Role
from techbridge.core.actors import Actor, is_active_user
from techbridge.core.phrases import Phrase
from techbridge.notifications.services import notify


def is_broker(user: Any) -> bool:
    return is_active_user(user) and user.role == Role.BROKER


def is_bureau(user: Any) -> bool:
    return is_active_user(user) and user.role == Role.BUREAU_STAFF


def is_member_of(user: Any, organisation_id: int | None) -> bool:
    return bool(
        is_active_user(user)
        and organisation_id is not None
        and user.is_member
        and user.organisation_id == organisation_id
    )


def members_of(*organisation_ids: int | None) -> Iterable[Any]:
    ids = [i for i in organisation_ids if i]
    if not ids:
        return []
    return get_user_model().objects.filter(
        organisation_id__in=ids,
        is_active=True,
        role__in=[Role.ENTERPRISE_MEMBER, Role.INSTITUTION_MEMBER, Role.BROKER, Role.STATION_STAFF],
    )


def tell(
    recipients: Iterable[Any],
    *,
    kind: str,
    title: str | Phrase,
    body: str | Phrase = "",
    link: str = "",
    actor: Actor = None,
) -> None:
    """Notify everyone but the person who caused it."""
    actor_pk = getattr(actor, "pk", None)
    notify(
        recipients=[u for u in recipients if u is not None and u.pk != actor_pk],
        kind=kind,
        title=title,
        body=body,
        link=link,
    )
