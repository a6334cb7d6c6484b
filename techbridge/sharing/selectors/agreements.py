"""Which agreement and which rate apply to a resource on a day, and which rate class an
organisation gets. Shared by bookings (approval, price shown before booking), orders
(pricing, split) and settlement."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from techbridge.organisations.models import INSTITUTION_KINDS, Organisation
from techbridge.sharing.models import Rate, RateClass, Resource, SharingAgreement


def _in_force(day: dt.date, start: str, end: str) -> Q:
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day}))


def agreement_in_force(resource: Resource, day: dt.date) -> SharingAgreement | None:
    """The agreement for ``resource`` on ``day``: one naming the resource wins over an
    owner-wide one; among several, the latest start (a new ratio applies from its start
    date on, never before)."""
    in_force = SharingAgreement.objects.filter(_in_force(day, "valid_from", "valid_until"))
    specific = in_force.filter(resource=resource).order_by("-valid_from", "-id").first()
    if specific is not None:
        return specific
    return (
        in_force.filter(resource__isnull=True, owner_id=resource.owner_id)
        .order_by("-valid_from", "-id")
        .first()
    )


def agreements_for(resource: Resource) -> QuerySet[SharingAgreement]:
    """The resource's agreement history (its own and its owner's), newest first."""
    return SharingAgreement.objects.filter(
        Q(resource=resource) | Q(resource__isnull=True, owner_id=resource.owner_id)
    ).order_by("-valid_from", "-id")


def rate_in_force(resource: Resource, rate_class: str, day: dt.date) -> Rate | None:
    return (
        Rate.objects.filter(resource=resource, rate_class=rate_class)
        .filter(_in_force(day, "effective_from", "effective_until"))
        .order_by("-effective_from", "-id")
        .first()
    )


def rate_class_for(organisation: Organisation, resource: Resource) -> str:
    """The owner's own members pay the internal rate; universities, institutes and labs
    the academic rate; enterprises outside the resource's province (the partner region:
    a Guiyang enterprise using a Beijing instrument) the partner-region rate; other
    enterprises and organisations the enterprise rate."""
    if organisation.pk == resource.owner_id:
        return RateClass.INTERNAL
    if organisation.kind in INSTITUTION_KINDS:
        return RateClass.ACADEMIC
    if (
        organisation.region_code
        and resource.region_code
        and organisation.region_code[:2] != resource.region_code[:2]
    ):
        return RateClass.PARTNER_ENTERPRISE
    return RateClass.ENTERPRISE
