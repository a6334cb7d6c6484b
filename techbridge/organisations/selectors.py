"""Reading organisations with visibility applied."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from techbridge.accounts.roles import Role
from techbridge.codes.selectors import region_prefix
from techbridge.core.actors import is_active_user
from techbridge.organisations.models import Organisation, OrganisationStatus

# Roles that see every organisation (to review, register contracts, administer).
FULL_VIEW_ROLES = frozenset({Role.BUREAU_STAFF, Role.SYSTEM_ADMIN})


def organisations_visible_to(user: Any) -> QuerySet[Organisation]:
    """Verified organisations for everyone; one's own organisation whatever its status;
    everything for bureau staff and the system administrator."""
    qs = Organisation.objects.all()
    if is_active_user(user) and user.role in FULL_VIEW_ROLES:
        return qs
    condition = Q(status=OrganisationStatus.VERIFIED)
    if user.is_authenticated and getattr(user, "organisation_id", None):
        condition |= Q(pk=user.organisation_id)
    return qs.filter(condition)


#: The directory's orders, by the ``sort`` parameter (a whitelist: nothing else reaches
#: order_by).
SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name", "id"),
    "new": ("-created_at", "-id"),
    "region": ("region_code", "name", "id"),
}


def organisation_list(
    *,
    user: Any,
    q: str = "",
    kind: str = "",
    region: str = "",
    status: str = "",
    sort: str = "name",
) -> QuerySet[Organisation]:
    qs = organisations_visible_to(user)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(uscc=q.upper()))
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(region_code__startswith=region_prefix(region))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by(*SORTS.get(sort, SORTS["name"]))


def can_edit_organisation(user: Any, organisation: Organisation) -> bool:
    if not is_active_user(user):
        return False
    if user.role in FULL_VIEW_ROLES:
        return True
    return bool(user.organisation_id == organisation.pk and user.is_member)


def can_manage_organisations(user: Any) -> bool:
    """Create and delete organisations."""
    return is_active_user(user) and user.role in FULL_VIEW_ROLES


def can_see_contacts(user: Any, organisation: Organisation) -> bool:
    """Unmasked contact data: the organisation's own members and bureau staff."""
    if not is_active_user(user):
        return False
    return bool(user.organisation_id == organisation.pk or user.role == Role.BUREAU_STAFF)
