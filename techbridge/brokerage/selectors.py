"""Reading brokerage records with object-level access applied, and the performance
figures. Deals are seen by their broker, members of their two parties and bureau staff;
everyone else gets 404."""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum

from techbridge.accounts.roles import Role
from techbridge.brokerage.models import (
    OPEN_STAGES,
    ContactGrant,
    Deal,
    DealResult,
    DealStage,
    EventStatus,
    MatchmakingEvent,
    Meeting,
    MeetingOutcome,
    MeetingRequest,
    Participant,
    Recommendation,
    RecommendationStatus,
    Station,
    TechSquad,
    VisitLog,
)
from techbridge.brokerage.services._common import is_broker, is_bureau
from techbridge.contracts.selectors import registered_contracts
from techbridge.core.actors import is_active_user

if TYPE_CHECKING:
    from techbridge.contracts.models import TechnologyContract


def _total(contracts: QuerySet[TechnologyContract]) -> Decimal:
    """Sum of contract amounts (MoneyField sums come back as exact yuan Decimals)."""
    total = contracts.aggregate(total=Sum("contract_amount"))["total"]
    return total if total is not None else Decimal("0.00")


# --- deals ---------------------------------------------------------------------------------


def deals_visible_to(user: Any) -> QuerySet[Deal]:
    qs = Deal.objects.select_related("enterprise", "supplier", "broker", "demand", "contract")
    if not is_active_user(user):
        return qs.none()
    if is_bureau(user):
        return qs
    condition = Q(broker_id=user.pk)
    if user.organisation_id and user.is_member:
        condition |= Q(enterprise_id=user.organisation_id) | Q(supplier_id=user.organisation_id)
    return qs.filter(condition)


def deal_list(
    *, user: Any, stage: str = "", broker: str | int = "", field: str = "", q: str = ""
) -> QuerySet[Deal]:
    qs = deals_visible_to(user)
    if stage in DealStage.values:
        qs = qs.filter(stage=stage)
    elif stage in DealResult.values:
        qs = qs.filter(result=stage)
    if broker:
        with contextlib.suppress(TypeError, ValueError):
            qs = qs.filter(broker_id=int(broker))
    if field:
        qs = qs.filter(technical_field=field)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(enterprise__name__icontains=q))
    return qs.order_by("-updated_at", "-id")


@dataclass
class Column:
    stage: str
    label: str
    deals: list[Deal] = field(default_factory=list)


def board(deals: QuerySet[Deal], *, closed_limit: int = 20) -> list[Column]:
    """Columns by stage (open stages in order, then won and lost) with their cards."""
    columns = {s: Column(s, str(DealStage(s).label)) for s in OPEN_STAGES}
    columns["won"] = Column("won", str(DealResult.WON.label))
    columns["lost"] = Column("lost", str(DealResult.LOST.label))
    for deal in deals.order_by("-updated_at", "-id")[:1000]:
        key = deal.stage if deal.stage in columns else deal.result
        column = columns.get(key)
        if column is None:
            continue
        if key in ("won", "lost") and len(column.deals) >= closed_limit:
            continue
        column.deals.append(deal)
    return list(columns.values())


def demands_to_curate(user: Any, *, limit: int = 20) -> list[Any]:
    """Newest published demands with how many recommendations each already has."""
    from techbridge.catalogue.selectors import public_queryset

    if not is_broker(user):
        return []
    demands = list(
        public_queryset("demand").select_related("owner").order_by("-published_at", "-id")[:limit]
    )
    counts = dict(
        Recommendation.objects.filter(demand__in=demands)
        .values_list("demand_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for demand in demands:
        demand.recommendation_count = counts.get(demand.pk, 0)
    return demands


def my_deals(user: Any) -> QuerySet[Deal]:
    """Deals of the user's organisation (either side), or the broker's own."""
    return deals_visible_to(user).order_by("-updated_at", "-id")


# --- curation ------------------------------------------------------------------------------


def recommendations_for_enterprise(user: Any) -> QuerySet[Recommendation]:
    """Recommendations on the user's organisation's demands."""
    if not (is_active_user(user) and user.organisation_id and user.is_member):
        return Recommendation.objects.none()
    return (
        Recommendation.objects.filter(demand__owner_id=user.organisation_id)
        .select_related("demand", "broker", "resource_owner")
        .order_by("-created_at", "-id")
    )


def feedback_for_owner(user: Any) -> QuerySet[Recommendation]:
    """Recommendations of the user's organisation's resources with the enterprises'
    answers (the resource owner's feedback page)."""
    if not (is_active_user(user) and user.organisation_id and user.is_member):
        return Recommendation.objects.none()
    return (
        Recommendation.objects.filter(resource_owner_id=user.organisation_id)
        .select_related("demand", "demand__owner", "broker")
        .order_by("-updated_at", "-id")
    )


def recommendations_visible_to(user: Any) -> QuerySet[Recommendation]:
    qs = Recommendation.objects.select_related(
        "demand", "demand__owner", "resource_owner", "broker"
    )
    if not is_active_user(user):
        return qs.none()
    if is_bureau(user):
        return qs
    condition = Q(broker_id=user.pk)
    if user.organisation_id and user.is_member:
        condition |= Q(demand__owner_id=user.organisation_id) | Q(
            resource_owner_id=user.organisation_id
        )
    return qs.filter(condition)


def contacts_granted(user: Any, organisation_id: int) -> bool:
    """True when an accepted recommendation opened ``organisation_id``'s contacts to the
    user's organisation (either direction)."""
    org = getattr(user, "organisation_id", None) if is_active_user(user) else None
    if not org or not user.is_member:
        return False
    return ContactGrant.objects.filter(
        Q(enterprise_id=org, supplier_id=organisation_id)
        | Q(supplier_id=org, enterprise_id=organisation_id)
    ).exists()


def acceptance_rate(recos: QuerySet[Recommendation]) -> tuple[int, int, int, Decimal | None]:
    """(recommended, accepted, declined, accepted / answered in percent)."""
    counts = Counter(dict(recos.values_list("status").annotate(n=Count("id")).order_by()))
    accepted = counts.get(RecommendationStatus.ACCEPTED, 0)
    declined = counts.get(RecommendationStatus.DECLINED, 0)
    total = sum(counts.values())
    answered = accepted + declined
    rate = (Decimal(accepted * 100) / answered).quantize(Decimal("0.1")) if answered else None
    return total, accepted, declined, rate


# --- meetings ------------------------------------------------------------------------------


def events_visible_to(user: Any) -> QuerySet[MatchmakingEvent]:
    """Published and closed events for everyone; drafts for their organiser and bureau."""
    qs = MatchmakingEvent.objects.all()
    condition = Q(status__in=[EventStatus.PUBLISHED, EventStatus.CLOSED])
    if is_active_user(user):
        if is_bureau(user):
            return qs
        condition |= Q(organiser_id=user.pk)
    return qs.filter(condition)


def participant_of(user: Any, event: MatchmakingEvent) -> Participant | None:
    if not (is_active_user(user) and user.organisation_id):
        return None
    return Participant.objects.filter(event=event, organisation_id=user.organisation_id).first()


def sees_participants(user: Any, event: MatchmakingEvent) -> bool:
    """Participants' details: registered participants, the organiser, bureau staff."""
    if not is_active_user(user):
        return False
    if is_bureau(user) or event.organiser_id == user.pk:
        return True
    return participant_of(user, event) is not None


def schedule_rows(event: MatchmakingEvent, participant: Participant | None = None) -> list[dict]:
    """The schedule (for one participant, or everyone) in slot order."""
    qs = Meeting.objects.filter(event=event).select_related(
        "request__requester__organisation", "request__target__organisation"
    )
    if participant is not None:
        qs = qs.filter(seats__participant=participant)
    rows = []
    for m in qs.order_by("slot", "table"):
        a, b = m.request.requester, m.request.target
        other = None
        if participant is not None:
            other = b if a.pk == participant.pk else a
        rows.append(
            {
                "meeting": m,
                "time": event.slot_label(m.slot),
                "table": m.table + 1,
                "a": a,
                "b": b,
                "other": other,
                "topic": m.request.note,
            }
        )
    return rows


@dataclass
class EventReport:
    participants: int
    requests: int
    accepted: int
    scheduled: int
    held: int
    intents: int
    deals: int
    won: int
    contracts: int
    registered: int
    amount: Decimal


def event_report(event: MatchmakingEvent) -> EventReport:
    """Meetings held, intents, deals, contracts and registered amount of one event."""
    meetings = Meeting.objects.filter(event=event)
    outcomes = Counter(dict(meetings.values_list("outcome").annotate(n=Count("id")).order_by()))
    deals = Deal.objects.filter(meeting__event=event)
    contract_ids = set(deals.exclude(contract=None).values_list("contract_id", flat=True))
    registered = registered_contracts().filter(pk__in=contract_ids)
    amount = _total(registered)
    requests = MeetingRequest.objects.filter(event=event)
    return EventReport(
        participants=Participant.objects.filter(event=event).count(),
        requests=requests.count(),
        accepted=requests.filter(status="accepted").count(),
        scheduled=sum(outcomes.values()),
        held=sum(n for k, n in outcomes.items() if k != MeetingOutcome.PENDING),
        intents=outcomes.get(MeetingOutcome.INTENT, 0),
        deals=deals.count(),
        won=deals.filter(result=DealResult.WON).count(),
        contracts=len(contract_ids),
        registered=registered.count(),
        amount=amount,
    )


# --- performance ---------------------------------------------------------------------------


@dataclass
class BrokerPerformance:
    broker: Any
    demands: int
    recommendations: int
    accepted: int
    declined: int
    acceptance_rate: Decimal | None
    by_stage: dict[str, int]
    open_deals: int
    won: int
    lost: int
    registered_contracts: int
    registered_amount: Decimal

    @property
    def stage_counts(self) -> list[tuple[str, int]]:
        """(Chinese stage label, open deals) in pipeline order."""
        return [(str(DealStage(s).label), n) for s, n in self.by_stage.items()]


def broker_performance(broker: Any) -> BrokerPerformance:
    """Demands handled (recommended for or dealt on), recommendations, acceptances,
    deals by stage, won, and the registered contract amount of the broker's deals."""
    recos = Recommendation.objects.filter(broker=broker)
    total, accepted, declined, rate = acceptance_rate(recos)
    deals = Deal.objects.filter(broker=broker)
    demand_ids = set(recos.values_list("demand_id", flat=True)) | set(
        deals.exclude(demand=None).values_list("demand_id", flat=True)
    )
    stages = dict(deals.values_list("stage").annotate(n=Count("id")).order_by())
    results = dict(
        deals.exclude(result="").values_list("result").annotate(n=Count("id")).order_by()
    )
    contract_ids = set(deals.exclude(contract=None).values_list("contract_id", flat=True))
    registered = registered_contracts().filter(pk__in=contract_ids)
    amount = _total(registered)
    return BrokerPerformance(
        broker=broker,
        demands=len(demand_ids),
        recommendations=total,
        accepted=accepted,
        declined=declined,
        acceptance_rate=rate,
        by_stage={s: stages.get(s, 0) for s in OPEN_STAGES},
        open_deals=sum(stages.get(s, 0) for s in OPEN_STAGES),
        won=results.get(DealResult.WON, 0),
        lost=results.get(DealResult.LOST, 0),
        registered_contracts=registered.count(),
        registered_amount=amount,
    )


def brokers_visible_to(user: Any) -> QuerySet[Any]:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(role=Role.BROKER, is_active=True)
    if is_bureau(user):
        return users.order_by("username")
    if is_broker(user):
        return users.filter(pk=user.pk)
    return users.none()


def workload(broker: Any) -> int:
    """Open deals of a broker."""
    return Deal.objects.filter(broker=broker, stage__in=OPEN_STAGES).count()


def station_performance() -> list[dict[str, Any]]:
    """Per station and per squad: visits and demands collected."""
    rows = []
    for station in Station.objects.annotate(
        visit_count=Count("visits", distinct=True),
        demand_count=Count("visits__demands", distinct=True),
    ).order_by("name"):
        rows.append(
            {
                "name": station.name,
                "squad": "",
                "visits": station.visit_count,
                "demands": station.demand_count,
            }
        )
        for squad in (
            TechSquad.objects.filter(station=station)
            .annotate(
                visit_count=Count("visits", distinct=True),
                demand_count=Count("visits__demands", distinct=True),
            )
            .order_by("name")
        ):
            rows.append(
                {
                    "name": station.name,
                    "squad": squad.name,
                    "visits": squad.visit_count,
                    "demands": squad.demand_count,
                }
            )
    return rows


def visits_visible_to(user: Any) -> QuerySet[VisitLog]:
    qs = VisitLog.objects.select_related("station", "squad", "enterprise")
    if is_bureau(user):
        return qs
    if is_active_user(user) and user.role == Role.STATION_STAFF:
        return qs.filter(
            Q(station__organisation_id=user.organisation_id) | Q(station__members=user)
        ).distinct()
    return qs.none()
