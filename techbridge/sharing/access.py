"""Who is who around a shared resource (object-level checks shared by every sharing part).

- owner members: accounts of the resource's owner organisation (institution members);
- agency members: accounts of the operating agency of an agreement;
- resource staff: users listed as service staff on the agreement in force;
- bureau staff: read everything, run voucher programmes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from techbridge.accounts.roles import Role
from techbridge.core.actors import is_active_user
from techbridge.sharing.models import AgreementStaff, Resource, ServiceOrder, SharingAgreement


def _org_id(user: Any) -> int | None:
    return getattr(user, "organisation_id", None) if is_active_user(user) else None


def is_bureau_staff(user: Any) -> bool:
    return is_active_user(user) and user.role == Role.BUREAU_STAFF


def is_owner_member(user: Any, resource: Resource) -> bool:
    org = _org_id(user)
    return org is not None and org == resource.owner_id


def is_agency_member(user: Any, agreement: SharingAgreement | None) -> bool:
    org = _org_id(user)
    return agreement is not None and org is not None and org == agreement.agency_id


def agencies_of(resource: Resource) -> QuerySet[SharingAgreement]:
    return SharingAgreement.objects.filter(
        Q(resource=resource) | Q(resource__isnull=True, owner_id=resource.owner_id)
    )


def operates(user: Any, resource: Resource) -> bool:
    """The user's organisation is the operating agency of any agreement of the resource."""
    org = _org_id(user)
    return org is not None and agencies_of(resource).filter(agency_id=org).exists()


def is_resource_staff(user: Any, resource: Resource, day: dt.date | None = None) -> bool:
    """Listed as service staff on an agreement of the resource in force on ``day``
    (today by default)."""
    if not is_active_user(user):
        return False
    from techbridge.sharing.selectors.agreements import agreement_in_force

    agreement = agreement_in_force(resource, day or timezone.localdate())
    return (
        agreement is not None
        and AgreementStaff.objects.filter(agreement=agreement, user=user).exists()
    )


def manages(user: Any, resource: Resource) -> bool:
    """May change the resource's agreements, rates, qualifications, hours; approve bookings."""
    return is_owner_member(user, resource) and user.role == Role.INSTITUTION_MEMBER


def visible_orders(user: Any) -> QuerySet[ServiceOrder]:
    """Orders the user may see: their organisation's as customer, the resources it owns,
    the resources it operates as agency, the orders of resources they staff; bureau staff
    see all; everyone else none."""
    if not is_active_user(user):
        return ServiceOrder.objects.none()
    if user.role == Role.BUREAU_STAFF:
        return ServiceOrder.objects.all()
    org = user.organisation_id
    staffed = AgreementStaff.objects.filter(user=user).values("agreement_id")
    # Staff see the orders priced under their agreements, and the drafts (no agreement
    # copied yet) of the resources those agreements cover.
    staffed_agreements = SharingAgreement.objects.filter(pk__in=staffed)
    condition = (
        Q(agreement_id__in=staffed)
        | Q(resource_id__in=staffed_agreements.filter(resource__isnull=False).values("resource_id"))
        | Q(
            resource__owner_id__in=staffed_agreements.filter(resource__isnull=True).values(
                "owner_id"
            )
        )
    )
    if org is not None:
        operated = SharingAgreement.objects.filter(agency_id=org)
        condition |= (
            Q(customer_id=org)
            | Q(resource__owner_id=org)
            | Q(agreement__agency_id=org)
            | Q(resource_id__in=operated.filter(resource__isnull=False).values("resource_id"))
            | Q(resource__owner_id__in=operated.filter(resource__isnull=True).values("owner_id"))
        )
    return ServiceOrder.objects.filter(condition)
