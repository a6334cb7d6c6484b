"""Targets against actuals, computed exactly from hand-made records (issue 15 acceptance):
every figure counts the records of its own programme only, in the right month, by the
right date, and a distinct figure's year is not the sum of its months."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from techbridge.accounts.roles import Role
from techbridge.brokerage.models import Deal, DealEvent, EventStatus, MatchmakingEvent
from techbridge.catalogue.models import Demand
from techbridge.contracts.models import TechnologyContract
from techbridge.core.testing import make_organisation, make_user
from techbridge.programmes import metrics, selectors, services
from techbridge.programmes.models import LinkKind

pytestmark = pytest.mark.django_db

YEAR = 2025


def _at(month: int, day: int = 10) -> dt.datetime:
    return dt.datetime(YEAR, month, day, 10, 0, tzinfo=timezone.get_current_timezone())


def _demand(
    owner: Any, region: str, month: int, *, status: str = "published", channel: str = "online"
) -> Demand:
    demand = Demand.objects.create(
        owner=owner,
        title=f"需求 {region} {month}",
        summary="s",
        status=status,
        region_code=region,
        channel=channel,
        published_at=_at(month) if status == "published" else None,
    )
    Demand.objects.filter(pk=demand.pk).update(created_at=_at(month))
    return demand


def _contract(
    i: int, buyer: str, seller: str, month: int, amount: str, **extra: Any
) -> TechnologyContract:
    day = dt.date(YEAR, month, 3)
    values = {
        "registration_number": f"N{i}",
        "name": f"c{i}",
        "contract_type": "development",
        "technical_field": "electronic_information",
        "seller_name": "s",
        "seller_region": seller,
        "buyer_name": "b",
        "buyer_region": buyer,
        "signed_on": day,
        "signed_month": day.year * 100 + day.month,
        "contract_amount": Decimal(amount),
        "technology_amount": Decimal(amount),
        "status": "registered",
        "registered_at": _at(month, 20),
    }
    values.update(extra)
    return TechnologyContract.objects.create(**values)


def _value(programme: Any, key: str, **kw: Any) -> tuple[int, list[int]]:
    return metrics.year_values(programme, metrics.METRICS[key], YEAR, **kw)


def test_demands_are_counted_per_programme_month_and_channel(pair, personas) -> None:
    gy = make_organisation("贵阳企业", region_code="520115")
    cd = make_organisation("承德企业", region_code="130802")
    _demand(gy, "520115", 3)
    _demand(gy, "520102", 3, channel="station_visit")
    _demand(gy, "520102", 5, status="draft")  # a draft is not collected
    _demand(gy, "", 7)  # no region of its own: the owner's counts (贵阳)
    _demand(cd, "130802", 3)
    other_year = _demand(gy, "520115", 2)
    Demand.objects.filter(pk=other_year.pk).update(created_at=_at(2) - dt.timedelta(days=400))

    total, months = _value(pair.guiyang, "demands_collected")
    assert total == 3 and months[2] == 2 and months[6] == 1 and sum(months) == 3
    assert _value(pair.guiyang, "demands_collected", channel="station_visit")[0] == 1
    assert _value(pair.chengde, "demands_collected")[0] == 1
    # The default programme takes what neither takes: nothing here.
    assert _value(pair.default, "demands_collected")[0] == 0


def test_an_explicit_link_moves_a_record_between_programmes(pair) -> None:
    gy = make_organisation("贵阳企业", region_code="520115")
    demand = _demand(gy, "520115", 4)
    services.programme_link(
        actor=pair.staff, programme=pair.chengde, kind=LinkKind.DEMAND, object_id=demand.pk
    )
    assert _value(pair.guiyang, "demands_collected")[0] == 0
    assert _value(pair.chengde, "demands_collected")[0] == 1
    services.programme_unlink(
        actor=pair.staff, programme=pair.chengde, kind=LinkKind.DEMAND, object_id=demand.pk
    )
    assert _value(pair.guiyang, "demands_collected")[0] == 1


def test_partner_contracts_count_only_the_partner_flow_and_sum_exact_fen(pair) -> None:
    _contract(1, "520100", "110105", 2, "100.01")  # Guiyang buys from Beijing: partner flow
    _contract(2, "110108", "520115", 2, "0.99")  # Guiyang sells to Haidian: partner flow
    _contract(3, "520100", "440300", 2, "5000.00")  # Shenzhen: not the partner region
    _contract(4, "520100", "110105", 2, "7.00", status="submitted")  # not registered
    _contract(5, "130800", "110108", 6, "30000.00")  # Chengde ← Zhongguancun
    _contract(6, "130800", "110105", 6, "1.00")  # Chengde ← Chaoyang: not its partner

    assert _value(pair.guiyang, "partner_contracts") == (2, [0, 2] + [0] * 10)
    total, months = _value(pair.guiyang, "partner_contract_amount")
    assert total == 10100 and months[1] == 10100  # fen: 100.01 + 0.99 yuan
    assert _value(pair.chengde, "partner_contracts")[0] == 1
    assert _value(pair.chengde, "partner_contract_amount")[0] == 3000000


def test_meetings_deals_and_distinct_active_brokers(pair, personas) -> None:
    station = make_organisation("贵阳快速响应站", region_code="520100")
    organiser = make_user("gy-station", Role.STATION_STAFF, station)
    gy = make_organisation("贵阳企业", region_code="520115")
    broker_a = make_user("broker-a", Role.BROKER, station)
    broker_b = make_user("broker-b", Role.BROKER, station)
    MatchmakingEvent.objects.create(
        title="对接会",
        held_on=dt.date(YEAR, 4, 2),
        organiser=organiser,
        status=EventStatus.CLOSED,
    )
    MatchmakingEvent.objects.create(  # a draft was never held
        title="草稿", held_on=dt.date(YEAR, 4, 9), organiser=organiser, status=EventStatus.DRAFT
    )
    won = Deal.objects.create(
        title="成交",
        enterprise=gy,
        broker=broker_a,
        stage="closed",
        result="won",
        closed_at=_at(5),
    )
    lost = Deal.objects.create(
        title="未成交",
        enterprise=gy,
        broker=broker_b,
        stage="closed",
        result="lost",
        lost_reason="预算不足",
        closed_at=_at(5),
    )
    for deal, month in ((won, 3), (won, 5), (lost, 5)):
        DealEvent.objects.create(deal=deal, kind="moved", at=_at(month))

    assert _value(pair.guiyang, "meetings_held")[0] == 1
    assert _value(pair.guiyang, "deals_won") == (1, [0, 0, 0, 0, 1] + [0] * 7)
    total, months = _value(pair.guiyang, "active_brokers")
    assert months[2] == 1 and months[4] == 2
    assert total == 2  # not 3: broker A active in March and May is one broker
    assert _value(pair.chengde, "active_brokers")[0] == 0


def test_dashboard_share_and_pace_against_targets(pair) -> None:
    gy = make_organisation("贵阳企业", region_code="520115")
    for month in (1, 2, 3):
        _demand(gy, "520115", month)
    services.target_set(
        actor=pair.staff,
        programme=pair.guiyang,
        year=YEAR,
        metric="demands_collected",
        value="100项",
    )
    services.target_set(
        actor=pair.staff,
        programme=pair.guiyang,
        year=YEAR,
        metric="partner_contract_amount",
        value="150万",
    )
    rows = selectors.dashboard(pair.guiyang, YEAR, today=dt.date(YEAR, 7, 2))
    first = rows[0]
    assert first.metric.key == "demands_collected" and first.target.value == 100
    assert first.actual == 3 and first.share == Decimal("3.0")
    assert first.expected == 50  # half the year gone: 183 of 365 days → 50.1 → 50
    assert first.behind and not first.met
    assert first.cumulative[:4] == [1, 2, 3, 3]
    amount = rows[1]
    assert amount.metric.key == "partner_contract_amount" and amount.target.value == 150000000
    # Figures without a target follow, with their actual values.
    assert all(r.target is None for r in rows[2:]) and len(rows) == len(metrics.METRICS)
