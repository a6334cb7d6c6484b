"""Reading brokerage records with object-level access applied, and the performance
figures. Deals are seen by their broker, members of their two parties and bureau staff;
everyone else gets 404."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.db.models import Count, Q, QuerySet

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
    return events_report([event])[0][1]


def _registered_amounts(contract_ids: Iterable[int]) -> dict[int, Decimal]:
    """Contract id → amount, for the registered ones among ``contract_ids`` (one query)."""
    ids = set(contract_ids)
    if not ids:
        return {}
    rows = registered_contracts().filter(pk__in=ids).values_list("pk", "contract_amount")
    # MoneyField reads back exact yuan Decimals (core.money.from_fen); the stubs see its
    # integer-fen column type.
    return {pk: cast(Decimal, amount) for pk, amount in rows}


def _grouped(qs: QuerySet[Any], *keys: str) -> Counter[Any]:
    """Row counts per value of ``keys`` (a tuple for several keys) in one GROUP BY query."""
    rows = qs.values_list(*keys).annotate(n=Count("id")).order_by()
    return Counter({(row[:-1] if len(keys) > 1 else row[0]): row[-1] for row in rows})


def events_report(
    events: Iterable[MatchmakingEvent],
) -> list[tuple[MatchmakingEvent, EventReport]]:
    """``event_report`` for each event, in a fixed number of queries however many events
    (one grouped query per figure instead of ten queries per event)."""
    events = list(events)
    ids = [e.pk for e in events]
    participants = _grouped(Participant.objects.filter(event_id__in=ids), "event_id")
    requests = _grouped(MeetingRequest.objects.filter(event_id__in=ids), "event_id", "status")
    outcomes = _grouped(Meeting.objects.filter(event_id__in=ids), "event_id", "outcome")
    deals = list(
        Deal.objects.filter(meeting__event_id__in=ids).values_list(
            "meeting__event_id", "result", "contract_id"
        )
    )
    amounts = _registered_amounts(c for _e, _r, c in deals if c is not None)
    out = []
    for event in events:
        mine = [(result, contract) for e, result, contract in deals if e == event.pk]
        contract_ids = {c for _r, c in mine if c is not None}
        registered = [amounts[c] for c in contract_ids if c in amounts]
        held = {k: n for (e, k), n in outcomes.items() if e == event.pk}
        asked = {k: n for (e, k), n in requests.items() if e == event.pk}
        report = EventReport(
            participants=participants.get(event.pk, 0),
            requests=sum(asked.values()),
            accepted=asked.get("accepted", 0),
            scheduled=sum(held.values()),
            held=sum(n for k, n in held.items() if k != MeetingOutcome.PENDING),
            intents=held.get(MeetingOutcome.INTENT, 0),
            deals=len(mine),
            won=sum(1 for result, _c in mine if result == DealResult.WON),
            contracts=len(contract_ids),
            registered=len(registered),
            amount=sum(registered, Decimal("0.00")),
        )
        out.append((event, report))
    return out


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
    return brokers_performance([broker])[0]


def brokers_performance(brokers: Iterable[Any]) -> list[BrokerPerformance]:
    """``broker_performance`` for each broker, in a fixed number of queries however many
    brokers (grouped by broker instead of eight queries per broker)."""
    brokers = list(brokers)
    ids = [b.pk for b in brokers]
    recos = Recommendation.objects.filter(broker_id__in=ids)
    deals = Deal.objects.filter(broker_id__in=ids)
    by_status = _grouped(recos, "broker_id", "status")
    stages = _grouped(deals, "broker_id", "stage")
    results = _grouped(deals.exclude(result=""), "broker_id", "result")
    demands = set(recos.values_list("broker_id", "demand_id").distinct()) | set(
        deals.exclude(demand=None).values_list("broker_id", "demand_id").distinct()
    )
    contracts = set(deals.exclude(contract=None).values_list("broker_id", "contract_id"))
    amounts = _registered_amounts(c for _b, c in contracts)
    out = []
    for broker in brokers:
        counts = Counter({s: n for (b, s), n in by_status.items() if b == broker.pk})
        accepted = counts.get(RecommendationStatus.ACCEPTED, 0)
        declined = counts.get(RecommendationStatus.DECLINED, 0)
        answered = accepted + declined
        rate = (Decimal(accepted * 100) / answered).quantize(Decimal("0.1")) if answered else None
        mine = {s: n for (b, s), n in stages.items() if b == broker.pk}
        registered = [amounts[c] for b, c in contracts if b == broker.pk and c in amounts]
        out.append(
            BrokerPerformance(
                broker=broker,
                demands=sum(1 for b, _d in demands if b == broker.pk),
                recommendations=sum(counts.values()),
                accepted=accepted,
                declined=declined,
                acceptance_rate=rate,
                by_stage={s: mine.get(s, 0) for s in OPEN_STAGES},
                open_deals=sum(mine.get(s, 0) for s in OPEN_STAGES),
                won=results.get((broker.pk, DealResult.WON), 0),
                lost=results.get((broker.pk, DealResult.LOST), 0),
                registered_contracts=len(registered),
                registered_amount=sum(registered, Decimal("0.00")),
            )
        )
    return out


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
    # Every squad in one query, not one query per station.
    squads_of: dict[int, list[Any]] = {}
    for annotated in TechSquad.objects.annotate(
        visit_count=Count("visits", distinct=True),
        demand_count=Count("visits__demands", distinct=True),
    ).order_by("name"):
        squads_of.setdefault(annotated.station_id, []).append(annotated)
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
        for squad in squads_of.get(station.pk, []):
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
