"""Acceptance: demand → matches → recommendation → acceptance → deal through every stage
→ won → contract pre-filled → registered → counted in the statistics, with an event and
an audit row at every step."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core import mail

from techbridge.audit.models import AuditEvent
from techbridge.brokerage import selectors, services
from techbridge.brokerage.models import (
    OPEN_STAGES,
    ContactGrant,
    DealEvent,
    DealResult,
    DealStage,
    RecommendationStatus,
)
from techbridge.contracts import services as contract_services
from techbridge.contracts.models import ContractStatus
from techbridge.matching.selectors import match_demand
from techbridge.notifications.models import Notification
from techbridge.stats.selectors import StatsFilter, contract_statistics

pytestmark = pytest.mark.django_db


def audit_rows(obj, event):
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk), event=event
    )


def test_demand_to_registered_contract_counted_in_statistics(
    world, django_capture_on_commit_callbacks
):
    p, broker, demand = world.personas, world.broker, world.demand
    before = contract_statistics(group_by=["field"], filters=StatsFilter())

    # 1. The engine's candidates for the demand include the matching achievement.
    matches = match_demand(demand=demand, limit=10)
    candidates = [(r.kind, r.id) for r in matches.results]
    assert ("achievement", world.achievement.pk) in candidates

    # 2. The broker recommends it; the enterprise is told in its inbox and by e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        reco = services.recommendation_create(
            actor=broker,
            demand=demand,
            resource_kind="achievement",
            resource_id=world.achievement.pk,
            note="匹配度高",
        )
    assert audit_rows(reco, "create").count() == 1
    assert Notification.objects.filter(recipient=p.owner, kind="recommendation").count() == 1
    assert any("owner@example.org" in m.to for m in mail.outbox)

    # 3. The enterprise accepts: contacts are opened to both sides.
    assert not selectors.contacts_granted(p.owner, p.institution.pk)
    reco = services.recommendation_accept(actor=p.owner, recommendation=reco)
    assert reco.status == RecommendationStatus.ACCEPTED
    assert audit_rows(reco, "transition").get().detail == {
        "from": "recommended",
        "to": "accepted",
    }
    grant = ContactGrant.objects.get(recommendation=reco)
    assert audit_rows(grant, "create").exists()
    assert selectors.contacts_granted(p.owner, p.institution.pk)
    assert selectors.contacts_granted(p.researcher, p.org.pk)
    assert not selectors.contacts_granted(p.outsider, p.institution.pk)

    # 4. A deal from the accepted recommendation, through every stage.
    deal = services.deal_create(actor=broker, recommendation=reco, expected_value="850000.00")
    assert (deal.enterprise, deal.supplier, deal.demand) == (p.org, p.institution, demand)
    assert deal.stage == DealStage.PUBLICATION
    assert audit_rows(deal, "create").count() == 1
    for expected in OPEN_STAGES[1:]:
        deal = services.deal_move(actor=broker, deal=deal)
        assert deal.stage == expected
    moves = DealEvent.objects.filter(deal=deal, kind="stage").order_by("id")
    assert [(e.from_state, e.to_state) for e in moves] == list(itertools.pairwise(OPEN_STAGES))
    assert audit_rows(deal, "transition").count() == len(OPEN_STAGES) - 1
    # The parties follow the deal in their inbox.
    assert Notification.objects.filter(recipient=p.owner, kind="stage").count() == 5
    assert Notification.objects.filter(recipient=p.researcher, kind="stage").count() == 5

    # 5. Won.
    deal = services.deal_win(actor=broker, deal=deal, note="签约")
    assert (deal.stage, deal.result) == (DealStage.CLOSED, DealResult.WON)
    assert DealEvent.objects.filter(deal=deal, kind="won").count() == 1
    assert audit_rows(deal, "transition").filter(detail__result="won").count() == 1

    # 6. The contract is pre-filled from the deal: parties with their codes, field, amount.
    contract = services.deal_create_contract(
        actor=broker, deal=deal, contract_type="development", signed_on=dt.date(2024, 5, 6)
    )
    deal.refresh_from_db()
    assert deal.contract == contract
    assert contract.status == ContractStatus.DRAFT
    assert (contract.seller_organisation, contract.buyer_organisation) == (p.institution, p.org)
    assert (contract.seller_region, contract.seller_type) == ("110000", "021")
    assert (contract.buyer_region, contract.buyer_type) == ("520100", "100")
    assert contract.technical_field == demand.technical_field
    assert contract.contract_amount == Decimal("850000.00")
    assert contract.source_reference == f"deal:{deal.pk}"
    assert contract.demand == demand
    assert DealEvent.objects.filter(deal=deal, kind="contract").count() == 1
    assert audit_rows(deal, "update").filter(detail__fields=["contract"]).count() == 1
    assert audit_rows(contract, "create").count() == 1

    # 7. Submitted by the broker who wrote it, registered by a registrar.
    contract = contract_services.contract_submit(actor=broker, contract=contract)
    contract = contract_services.contract_certify_and_register(actor=p.staff, contract=contract)
    assert contract.status == ContractStatus.REGISTERED
    assert audit_rows(contract, "transition").count() == 2

    # 8. The contract shows on the deal page and counts in the statistics.
    page = p.client_for(p.owner).get(f"/brokerage/deals/{deal.pk}/")
    assert page.status_code == 200
    assert contract.registration_number in page.content.decode()
    after = contract_statistics(group_by=["field"], filters=StatsFilter())
    assert after.count == before.count + 1
    assert after.contract_amount - before.contract_amount == Decimal("850000.00")
    performance = selectors.broker_performance(broker)
    assert (performance.recommendations, performance.accepted, performance.won) == (1, 1, 1)
    assert performance.registered_amount == Decimal("850000.00")
    assert performance.acceptance_rate == Decimal("100.0")
