"""Who is acting: the one type and the two checks every service uses for its ``actor``.

A service is called with the person acting (``request.user`` from a view — an
``accounts.User`` or, for anonymous requests, Django's ``AnonymousUser``) or ``None`` when
the system acts (commands, scheduled jobs, imports started from the shell).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias, TypeGuard

if TYPE_CHECKING:  # only for the type; core does not import accounts at run time
    from django.contrib.auth.models import AnonymousUser

    from techbridge.accounts.models import User

Actor: TypeAlias = "User | AnonymousUser | None"


def actor_or_none(actor: Any) -> User | None:
    """The signed-in user to store as ``actor``/``created_by``; None for anonymous users
    and the system (an AnonymousUser cannot be saved in a foreign key)."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def is_active_user(user: Any) -> TypeGuard[User]:
    """True for a signed-in user whose account is active: the precondition of every
    permission check (a deactivated account keeps its session until the next request)."""
    return bool(
        user is not None and getattr(user, "is_authenticated", False) and user.is_active
    )
