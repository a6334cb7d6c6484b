"""Demo data: the demo broker's profile, the Guiyang station with a tech squad and a
visit, a recommendation or two, deals at different stages (one won) and a matchmaking
meeting with participants, accepted requests and a schedule. Idempotent; uses the demo
world's records where they exist and skips what it cannot find."""

from __future__ import annotations

import datetime as dt
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from techbridge.brokerage import services
from techbridge.brokerage.models import (
    OPEN_STAGES,
    BrokerProfile,
    Deal,
    DealStage,
    MatchmakingEvent,
    Meeting,
    MeetingRequest,
    Participant,
    Recommendation,
    Station,
    TechSquad,
    VisitLog,
)
from techbridge.catalogue import selectors as catalogue
from techbridge.organisations.models import Organisation

EVENT_TITLE = "京筑合作 新材料 供需对接会"


def _org(external_id: str) -> Organisation | None:
    return Organisation.objects.filter(external_id=external_id).first()


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username, is_active=True).first()


def load(out: TextIO) -> None:
    """Create the brokerage demo records that are missing."""
    broker, enterprise_user = _user("broker"), _user("enterprise")
    institution_user, station_user, bureau = _user("institution"), _user("station"), _user("bureau")
    ent, inst, agency = _org("demo-gy-ent"), _org("demo-bj-inst"), _org("demo-bj-agency")
    station_org = _org("demo-gy-station")
    if broker is None or ent is None or inst is None:
        out.write("brokerage: demo broker or organisations missing; skipped\n")
        return
    with transaction.atomic():
        _people(out, broker, bureau, station_user, station_org, ent)
        _curation(out, broker, enterprise_user, ent, inst)
        _deals(out, broker, ent, inst)
        _meeting(out, broker, enterprise_user, institution_user, ent, inst, agency)


def _people(
    out: TextIO, broker: Any, bureau: Any, station_user: Any, station_org: Any, ent: Any
) -> None:
    if not BrokerProfile.objects.filter(user=broker).exists():
        services.broker_profile_save(
            actor=broker,
            broker=broker,
            certificate_number="JSJJR-2024-0186",
            certified_on=dt.date(2024, 6, 30),
            training_records=[{"course": "技术经纪人培训班", "date": "2024-06-30", "hours": 48}],
            technical_fields=["new_materials", "advanced_manufacturing"],
        )
        out.write("brokerage: broker profile\n")
    if station_org is None or bureau is None or station_user is None:
        return
    station = Station.objects.filter(organisation=station_org).first()
    if station is None:
        station = services.station_create(
            actor=bureau, organisation=station_org, members=[station_user]
        )
        services.squad_create(
            actor=bureau, station=station, name="第一技术小分队", members=[station_user]
        )
        out.write("brokerage: station and tech squad\n")
    if not VisitLog.objects.filter(station=station).exists():
        services.visit_create(
            actor=station_user,
            enterprise=ent,
            visited_on=timezone.localdate() - dt.timedelta(days=14),
            participants="刘站长、技术小分队 2 人",
            notes="了解企业在高强铝合金下游应用方面的技术难题。",
            squad=TechSquad.objects.filter(station=station).first(),
        )
        out.write("brokerage: a visit\n")


def _curation(out: TextIO, broker: Any, enterprise_user: Any, ent: Any, inst: Any) -> None:
    demands = list(catalogue.public_queryset("demand").filter(owner=ent)[:2])
    resources = list(catalogue.public_queryset("achievement").filter(owner=inst)[:2])
    if not demands or not resources:
        out.write("brokerage: no published demo demand/achievement; recommendations skipped\n")
        return
    for i, (demand, resource) in enumerate(zip(demands, resources, strict=False)):
        if Recommendation.objects.filter(demand=demand, resource_id=resource.pk).exists():
            continue
        reco = services.recommendation_create(
            actor=broker,
            demand=demand,
            resource_kind="achievement",
            resource_id=resource.pk,
            note="技术路线吻合，成熟度高，建议洽谈。",
        )
        if i == 0 and enterprise_user is not None:
            services.recommendation_accept(actor=enterprise_user, recommendation=reco)
        out.write("brokerage: a recommendation\n")


def _deals(out: TextIO, broker: Any, ent: Any, inst: Any) -> None:
    plans = [
        ("赤泥综合利用技术合作", DealStage.PUBLICATION, None),
        ("船舶用耐热高韧性铝合金开发", DealStage.VALUATION, "1200000.00"),
        ("锂离子动力电池材料中试", DealStage.FINANCING, "3000000.00"),
        ("汽车密封条 CAE 仿真服务", "won", "450000.00"),
    ]
    accepted = Recommendation.objects.filter(broker=broker, status="accepted").first()
    for title, stage, value in plans:
        if Deal.objects.filter(broker=broker, title=title).exists():
            continue
        deal = services.deal_create(
            actor=broker,
            enterprise=ent,
            supplier=inst,
            title=title,
            technical_field="new_materials",
            expected_value=value,
            demand=accepted.demand if (accepted and stage == DealStage.VALUATION) else None,
        )
        target = DealStage.OPERATION if stage == "won" else stage
        while deal.stage != target and OPEN_STAGES.index(deal.stage) < OPEN_STAGES.index(target):
            deal = services.deal_move(actor=broker, deal=deal)
        if stage == "won":
            deal = services.deal_win(actor=broker, deal=deal, note="双方签署技术服务合同")
            services.deal_add_task(actor=broker, deal=deal, title="提交合同认定登记")
        out.write(f"brokerage: deal {title}\n")


def _meeting(
    out: TextIO, broker: Any, ent_user: Any, inst_user: Any, ent: Any, inst: Any, agency: Any
) -> None:
    event = MatchmakingEvent.objects.filter(title=EVENT_TITLE).first()
    if event is None:
        event = services.event_create(
            actor=broker,
            title=EVENT_TITLE,
            held_on=timezone.localdate() + dt.timedelta(days=21),
            place="贵阳国际生态会议中心",
            themes=["new_materials", "advanced_manufacturing"],
            description="企业出题、院所解题：新材料领域一对一洽谈。",
            tables=3,
            slots=6,
        )
        services.event_set_status(actor=broker, event=event, status="published")
        out.write("brokerage: matchmaking meeting\n")
    people = {}
    for org, person, slots in (
        (ent, ent_user, []),
        (inst, inst_user, [1, 2, 3, 4]),
        (agency, None, []),
    ):
        if org is None:
            continue
        p = Participant.objects.filter(event=event, organisation=org).first()
        if p is None:
            p = services.participant_register(
                actor=broker, event=event, organisation=org, person=person, available_slots=slots
            )
        people[org.pk] = p
    pairs = [
        (ent, inst, "高强铝合金下游应用"),
        (agency, ent, "成果转化服务"),
        (agency, inst, "成果包装"),
    ]
    for a, b, topic in pairs:
        if a is None or b is None or a.pk not in people or b.pk not in people:
            continue
        requester, target = people[a.pk], people[b.pk]
        if MeetingRequest.objects.filter(event=event, requester=requester, target=target).exists():
            continue
        request = services.meeting_request_create(
            actor=broker, requester=requester, target=target, note=topic
        )
        services.meeting_request_decide(actor=broker, request=request, accept=True)
    if not Meeting.objects.filter(event=event).exists():
        result = services.event_schedule(actor=broker, event=event, time_budget=0.5)
        out.write(f"brokerage: schedule with {result.count} meetings\n")
