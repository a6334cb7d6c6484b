"""Reading catalogue records with visibility applied. Every page, API, list and export
starts from ``visible_queryset`` so nothing hidden leaks."""

from __future__ import annotations

import contextlib
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast

from techbridge.accounts.roles import Duty, Role
from techbridge.catalogue.kinds import KINDS, model_for
from techbridge.catalogue.models import (
    CatalogueRecord,
    Demand,
    Expert,
    ProposalStatus,
    RecordEvent,
    SolutionProposal,
    Status,
)
from techbridge.core.actors import is_active_user

SORTS = {
    "new": ("-published_at", "-id"),
    "old": ("published_at", "id"),
    "title": ("title", "id"),
    "trl": ("-trl", "-published_at", "-id"),
    "updated": ("-updated_at", "-id"),
}


def is_reviewer(user: Any) -> bool:
    return is_active_user(user) and user.has_duty(Duty.REVIEWER)


def is_bureau_staff(user: Any) -> bool:
    return is_active_user(user) and user.role == Role.BUREAU_STAFF


def public_condition(kind: str) -> Q:
    condition = Q(status=Status.PUBLISHED)
    if kind == "expert":
        condition &= Q(consent_withdrawn_at__isnull=True)
    return condition


def public_queryset(kind: str) -> QuerySet[Any]:
    """Published records of ``kind`` (experts: only with consent in force)."""
    return model_for(kind)._default_manager.filter(public_condition(kind))


def visible_queryset(kind: str, user: Any) -> QuerySet[Any]:
    """What ``user`` may read: published records for everyone; the user's own
    organisation's records in any status (and, for a station, demands it recorded);
    everything for bureau staff with the reviewer duty."""
    model = model_for(kind)
    if is_reviewer(user):
        return model._default_manager.all()
    condition = public_condition(kind)
    org_id = getattr(user, "organisation_id", None) if is_active_user(user) else None
    if org_id:
        condition |= Q(owner_id=org_id)
        if kind == "demand":
            condition |= Q(recorded_by_station_id=org_id)
    return model._default_manager.filter(condition)


def can_edit(user: Any, record: CatalogueRecord) -> bool:
    """Owner organisation's members (and the recording station before the enterprise
    confirmed a demand) edit; bureau staff edit everything."""
    if not is_active_user(user):
        return False
    if is_bureau_staff(user):
        return True
    if not user.is_member or not user.organisation_id:
        return False
    if record.owner_id == user.organisation_id:
        return True
    return bool(
        isinstance(record, Demand)
        and record.recorded_by_station_id == user.organisation_id
        and record.needs_confirmation
    )


def can_see_demand_detail(user: Any, demand: Demand) -> bool:
    """The confidential detail: the enterprise, the station that recorded it, bureau staff,
    and organisations whose solution proposal the enterprise accepted. Not confidential →
    whoever can see the demand."""
    if not demand.confidential:
        return True
    if not is_active_user(user):
        return False
    if is_bureau_staff(user):
        return True
    org_id = getattr(user, "organisation_id", None)
    if not org_id:
        return False
    if org_id in (demand.owner_id, demand.recorded_by_station_id):
        return True
    accepted = getattr(demand, _accepted_for(org_id), None)
    if accepted is not None:  # annotated by with_detail_access: no query per demand
        return bool(accepted)
    return SolutionProposal.objects.filter(
        demand=demand, proposer_id=org_id, status=ProposalStatus.ACCEPTED
    ).exists()


def _accepted_for(org_id: int) -> str:
    # The organisation is in the name, so a row annotated for one viewer is never read as
    # another viewer's answer.
    return f"_proposal_accepted_for_org_{int(org_id)}"


def with_detail_access(qs: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """Demands annotated with whether ``user``'s organisation had a solution accepted, so
    ``can_see_demand_detail`` answers a whole list or export from the list's own query."""
    org_id = getattr(user, "organisation_id", None) if is_active_user(user) else None
    if not org_id or is_bureau_staff(user):
        return qs
    accepted = SolutionProposal.objects.filter(
        demand=OuterRef("pk"), proposer_id=org_id, status=ProposalStatus.ACCEPTED
    )
    return qs.annotate(**{_accepted_for(org_id): Exists(accepted)})


def can_see_contacts(user: Any, record: CatalogueRecord) -> bool:
    """Unmasked contact data and expert phone/e-mail: the owner's members and bureau staff.
    (Bureau staff still see masked values in lists; ``expert_reveal`` is the audited way.)"""
    if not is_active_user(user):
        return False
    return bool(user.organisation_id and user.organisation_id == record.owner_id and user.is_member)


def record_list(
    kind: str,
    *,
    user: Any,
    q: str = "",
    field: str = "",
    region: str = "",
    trl: str | int = "",
    status: str = "",
    owner: str | int = "",
    sort: str = "new",
) -> QuerySet[Any]:
    """Visible records of ``kind`` filtered and sorted for lists, API and exports."""
    qs = visible_queryset(kind, user)
    if q:
        name = "name" if kind in ("expert", "instrument", "lab") else "title"
        qs = qs.filter(**{f"{name}__icontains": q})
    if field:
        if kind == "expert":
            # JSON containment is not available on SQLite; the list's JSON text serves both.
            qs = qs.annotate(_fields=Cast("technical_fields", TextField())).filter(
                Q(technical_field=field) | Q(_fields__contains=f'"{field}"')
            )
        else:
            qs = qs.filter(technical_field=field)
    if region:
        qs = filter_region_prefix(qs, region)
    if trl and kind == "achievement":
        with contextlib.suppress(TypeError, ValueError):
            qs = qs.filter(trl__gte=int(trl))
    if status and status in Status.values:
        qs = qs.filter(status=status)
    if owner:
        with contextlib.suppress(TypeError, ValueError):
            qs = qs.filter(owner_id=int(owner))
    order = SORTS.get(sort, SORTS["new"])
    if kind != "achievement":
        order = tuple(o for o in order if "trl" not in o) or SORTS["new"]
    if kind in ("expert", "instrument", "lab"):
        order = tuple(o.replace("title", "name") for o in order)
    if kind == "demand":
        qs = with_detail_access(qs, user)
    return qs.select_related("owner").order_by(*order)


def filter_region_prefix(qs: QuerySet[Any], region: str) -> QuerySet[Any]:
    """Region codes under ``region`` (520000 → 52…, 520100 → 5201…, 520115 exactly).

    A prefix match on purpose (LIKE on SQLite): lists sort by publication date, and a
    condition the region index cannot serve lets the database walk the date index and stop
    after a page, instead of sorting every record of a large province (benchmarked)."""
    from techbridge.codes.selectors import region_prefix

    region = "".join(ch for ch in str(region) if ch.isdigit())[:6]
    if not region:
        return qs
    prefix = region_prefix(region) if len(region) == 6 else region
    if len(prefix) == 6:
        return qs.filter(region_code=prefix)
    return qs.filter(region_code__startswith=prefix)


def record_history(record: CatalogueRecord) -> QuerySet[RecordEvent]:
    return RecordEvent.objects.filter(record_kind=record.KIND, record_id=record.pk).select_related(
        "actor"
    )


def review_queue(user: Any) -> dict[str, QuerySet[Any]]:
    """Submitted records per kind, oldest first (reviewers only)."""
    if not is_reviewer(user):
        return {}
    return {
        kind: model._default_manager.filter(status=Status.SUBMITTED)
        .select_related("owner")
        .order_by("updated_at", "id")
        for kind, model in KINDS.items()
    }


def workspace(user: Any) -> dict[str, Any]:
    """The user's organisation's drafts, returned records, demands waiting for the
    enterprise's confirmation and proposals to answer."""
    org_id = getattr(user, "organisation_id", None)
    if not (is_active_user(user) and org_id):
        return {}
    records = []
    for _kind, model in KINDS.items():
        for record in model._default_manager.filter(
            owner_id=org_id,
            status__in=[Status.DRAFT, Status.RETURNED, Status.SUBMITTED],
        ).order_by("-updated_at")[:50]:
            records.append(record)
    to_confirm = Demand.objects.filter(
        owner_id=org_id, recorded_by_station__isnull=False, confirmed_by_enterprise_at__isnull=True
    )
    recorded = Demand.objects.filter(recorded_by_station_id=org_id).order_by("-updated_at")[:50]
    proposals_in = (
        SolutionProposal.objects.filter(demand__owner_id=org_id, status=ProposalStatus.SUBMITTED)
        .select_related("demand", "proposer")
        .order_by("created_at")
    )
    proposals_out = (
        SolutionProposal.objects.filter(proposer_id=org_id)
        .select_related("demand")
        .order_by("-created_at")[:50]
    )
    return {
        "records": sorted(records, key=lambda r: r.updated_at, reverse=True),
        "to_confirm": to_confirm,
        "recorded": recorded,
        "proposals_in": proposals_in,
        "proposals_out": proposals_out,
    }


def proposals_visible_to(user: Any) -> QuerySet[SolutionProposal]:
    """The demand's enterprise and bureau staff see a demand's proposals; the proposer sees
    its own; nobody else sees any."""
    qs = SolutionProposal.objects.select_related("demand", "proposer", "expert")
    if not is_active_user(user):
        return qs.none()
    if is_bureau_staff(user):
        return qs
    org_id = getattr(user, "organisation_id", None)
    if not org_id:
        return qs.none()
    return qs.filter(Q(demand__owner_id=org_id) | Q(proposer_id=org_id))


def experts_for_proposal(user: Any) -> QuerySet[Expert]:
    org_id = getattr(user, "organisation_id", None)
    return Expert.objects.filter(owner_id=org_id).exclude(consent_withdrawn_at__isnull=False)


def home_summary() -> dict[str, Any]:
    """Published counts per kind (with the list URL) and the latest achievements and
    demands, for the home page."""
    from django.urls import reverse

    slugs = {
        "achievement": "achievements",
        "expert": "experts",
        "instrument": "instruments",
        "lab": "labs",
        "demand": "demands",
    }
    counts = [
        {
            "label": KINDS[kind]._meta.verbose_name_plural,
            "count": public_queryset(kind).count(),
            "url": reverse(f"catalogue:{slug}"),
        }
        for kind, slug in slugs.items()
    ]
    return {
        "counts": counts,
        "latest_achievements": list(
            public_queryset("achievement").order_by("-published_at", "-id")[:6]
        ),
        "latest_demands": list(
            public_queryset("demand").select_related("owner").order_by("-published_at", "-id")[:6]
        ),
    }
