"""Reading resources, agreements, rates and qualifications with visibility applied.

Open resources and their rates (fee standards) are visible to every signed-in user; the
agreements (who operates, the split) to the owner's members, the agency's members, the
agreement's staff and bureau staff; qualifications to the same people and the qualified
user. Nobody else sees them (404).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from techbridge.accounts.roles import Role
from techbridge.catalogue.kinds import model_for
from techbridge.catalogue.models import Status as CatalogueStatus
from techbridge.core.actors import is_active_user
from techbridge.sharing import access
from techbridge.sharing.models import (
    CATALOGUE_KINDS,
    AgreementStaff,
    Qualification,
    Rate,
    RateClass,
    Resource,
    SharingAgreement,
)


def _org(user: Any) -> int | None:
    return getattr(user, "organisation_id", None) if is_active_user(user) else None


def operated_condition(org_id: int, prefix: str = "") -> Q:
    """Resources operated by the agency ``org_id`` (by their own or an owner-wide agreement)."""
    own = SharingAgreement.objects.filter(agency_id=org_id, resource__isnull=False)
    wide = SharingAgreement.objects.filter(agency_id=org_id, resource__isnull=True)
    return Q(**{f"{prefix}pk__in": own.values("resource_id")}) | Q(
        **{f"{prefix}owner_id__in": wide.values("owner_id")}
    )


def resources_visible_to(user: Any) -> QuerySet[Resource]:
    """Open resources for every signed-in user; closed ones for the owner's and the
    agency's members and bureau staff."""
    if not is_active_user(user):
        return Resource.objects.none()
    qs = Resource.objects.select_related("owner")
    if user.role == Role.BUREAU_STAFF:
        return qs
    condition = Q(active=True)
    org = user.organisation_id
    if org is not None:
        condition |= Q(owner_id=org) | operated_condition(org)
    return qs.filter(condition)


def resource_list(
    *, user: Any, q: str = "", kind: str = "", field: str = "", mine: bool = False
) -> QuerySet[Resource]:
    qs = resources_visible_to(user)
    if q:
        qs = qs.filter(name__icontains=q)
    if kind:
        qs = qs.filter(kind=kind)
    if field:
        qs = qs.filter(technical_field=field)
    if mine:
        org = _org(user)
        qs = qs.filter(Q(owner_id=org) | operated_condition(org)) if org else qs.none()
    return qs.order_by("name", "id")


def can_register(user: Any) -> bool:
    return (
        is_active_user(user) and user.role == Role.INSTITUTION_MEMBER and bool(user.organisation_id)
    )


def registrable_records(user: Any) -> list[tuple[str, Any]]:
    """(kind, record) of the user's institution's published records not yet shared."""
    if not can_register(user):
        return []
    out: list[tuple[str, Any]] = []
    for kind in CATALOGUE_KINDS:
        model = model_for(kind)
        shared = Resource.objects.filter(catalogue_kind=kind, catalogue_id=OuterRef("pk"))
        qs = (
            model._default_manager.filter(
                owner_id=user.organisation_id, status=CatalogueStatus.PUBLISHED
            )
            .annotate(shared=Exists(shared))
            .filter(shared=False)
            .order_by("pk")
        )
        out.extend((kind, record) for record in qs[:500])
    return out


def can_see_agreements(user: Any, resource: Resource) -> bool:
    if not is_active_user(user):
        return False
    if user.role == Role.BUREAU_STAFF or access.is_owner_member(user, resource):
        return True
    org = user.organisation_id
    scope = access.agencies_of(resource)
    return bool(
        (org is not None and scope.filter(agency_id=org).exists())
        or AgreementStaff.objects.filter(agreement__in=scope, user=user).exists()
    )


def agreements_visible_to(user: Any) -> QuerySet[SharingAgreement]:
    """The owner's members, the agency's members, the listed staff and bureau staff."""
    if not is_active_user(user):
        return SharingAgreement.objects.none()
    qs = SharingAgreement.objects.select_related("resource", "owner", "agency")
    if user.role == Role.BUREAU_STAFF:
        return qs
    condition = Q(pk__in=AgreementStaff.objects.filter(user=user).values("agreement_id"))
    org = user.organisation_id
    if org is not None:
        condition |= Q(owner_id=org) | Q(agency_id=org)
    return qs.filter(condition)


def agreement_list(*, user: Any, resource: Resource | None = None) -> QuerySet[SharingAgreement]:
    qs = agreements_visible_to(user)
    if resource is not None:
        qs = qs.filter(Q(resource=resource) | Q(resource__isnull=True, owner_id=resource.owner_id))
    return qs.order_by("owner__name", "resource__name", "-valid_from", "-id")


def agreement_staff(agreement: SharingAgreement) -> QuerySet[Any]:
    return agreement.staff.all().order_by("username")


def rates_for(resource: Resource) -> QuerySet[Rate]:
    """All rates of the resource (history included), by class and newest first."""
    return Rate.objects.filter(resource=resource).order_by("rate_class", "-effective_from")


def current_rates(resource: Resource, day: dt.date | None = None) -> list[Rate]:
    """The rate of each class in force on ``day`` (today), in class order."""
    day = day or timezone.localdate()
    rates = (
        Rate.objects.filter(resource=resource, effective_from__lte=day)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=day))
        .order_by("rate_class", "-effective_from")
    )
    seen: dict[str, Rate] = {}
    for rate in rates:
        seen.setdefault(rate.rate_class, rate)
    order = {value: i for i, value in enumerate(RateClass.values)}
    return sorted(seen.values(), key=lambda r: order.get(r.rate_class, len(order)))


def rates_visible_to(user: Any) -> QuerySet[Rate]:
    return Rate.objects.filter(resource__in=resources_visible_to(user)).select_related("resource")


def qualifications_visible_to(user: Any) -> QuerySet[Qualification]:
    """The qualified user themself, the owner's and agency's members, staff, bureau staff."""
    if not is_active_user(user):
        return Qualification.objects.none()
    qs = Qualification.objects.select_related("resource", "user")
    if user.role == Role.BUREAU_STAFF:
        return qs
    condition = Q(user=user)
    org = user.organisation_id
    if org is not None:
        condition |= Q(resource__owner_id=org) | operated_condition(org, "resource__")
    staffed = AgreementStaff.objects.filter(user=user)
    condition |= Q(
        resource__in=staffed.filter(agreement__resource__isnull=False).values(
            "agreement__resource_id"
        )
    ) | Q(
        resource__owner_id__in=staffed.filter(agreement__resource__isnull=True).values(
            "agreement__owner_id"
        )
    )
    return qs.filter(condition)


def qualification_valid(user: Any, resource: Resource, day: dt.date | None = None) -> bool:
    """True if ``user`` holds a qualification for ``resource`` valid on ``day`` (today)."""
    if not is_active_user(user):
        return False
    day = day or timezone.localdate()
    return Qualification.objects.filter(
        resource=resource,
        user=user,
        revoked_at__isnull=True,
        valid_from__lte=day,
        valid_until__gte=day,
    ).exists()
