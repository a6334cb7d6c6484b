"""Curation feedback, contact grants, deal access (participants only, outsiders 404),
optimistic locking, safe attachments, pages per role."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEvent
from techbridge.brokerage import services
from techbridge.brokerage.models import Deal, DealEvent
from techbridge.core.exceptions import ConflictError, TransitionError
from techbridge.core.testing import make_organisation, make_user
from techbridge.organisations.models import OrganisationKind

pytestmark = pytest.mark.django_db


def page(client, url: str) -> str:
    """The page's text, after checking it answered 200 (a text missing from an error page
    proves nothing)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def recommend(world, **kw):
    return services.recommendation_create(
        actor=world.broker,
        demand=world.demand,
        resource_kind="achievement",
        resource_id=world.achievement.pk,
        **kw,
    )


def test_decline_reason_reaches_the_owner_and_rates(world) -> None:
    p = world.personas
    reco = recommend(world)
    with pytest.raises(ValidationError):
        services.recommendation_decline(actor=p.owner, recommendation=reco, reason="other")
    with pytest.raises(PermissionDenied):
        services.recommendation_decline(
            actor=p.outsider, recommendation=reco, reason="too_expensive"
        )
    services.recommendation_decline(
        actor=p.owner, recommendation=reco, reason="too_expensive", text="预算只有十万"
    )
    with pytest.raises(TransitionError):
        services.recommendation_accept(actor=p.owner, recommendation=reco)
    feedback = page(p.client_for(p.researcher), "/brokerage/feedback/")
    assert "预算只有十万" in feedback
    assert "0.0%" in feedback  # acceptance rate: 0 of 1 answered
    # Nothing was opened: contacts stay private.
    assert "13800138000" not in feedback
    # Another institution's feedback page shows none of it (an enterprise member has no
    # feedback page at all: 403, which would prove nothing about what the page shows).
    assert p.client_for(p.outsider).get("/brokerage/feedback/").status_code == 403
    other_institute = make_organisation("丁研究院 Delta", OrganisationKind.RESEARCH_INSTITUTE)
    other_researcher = make_user("researcher2", Role.INSTITUTION_MEMBER, other_institute)
    assert "预算只有十万" not in page(p.client_for(other_researcher), "/brokerage/feedback/")


def test_recommending_twice_or_unpublished_is_refused(world) -> None:
    recommend(world)
    with pytest.raises(ValidationError):
        recommend(world)
    with pytest.raises(ValidationError):
        services.recommendation_create(
            actor=world.broker, demand=world.demand, resource_kind="achievement", resource_id=999999
        )
    with pytest.raises(PermissionDenied):
        services.recommendation_create(
            actor=world.personas.owner,
            demand=world.demand,
            resource_kind="achievement",
            resource_id=world.achievement.pk,
        )


def test_accepted_contacts_shown_to_both_sides_and_audited(world) -> None:
    p = world.personas
    services.recommendation_accept(actor=p.owner, recommendation=recommend(world))
    assert "13900139000" in page(p.client_for(p.owner), "/brokerage/recommendations/")
    assert AuditEvent.objects.filter(
        event="reveal", actor=p.owner, object_id=str(p.institution.pk)
    ).exists()
    assert "13800138000" in page(p.client_for(p.researcher), "/brokerage/feedback/")
    assert AuditEvent.objects.filter(event="reveal", actor=p.researcher).exists()


@pytest.fixture
def deal(world):
    p = world.personas
    reco = recommend(world)
    services.recommendation_accept(actor=p.owner, recommendation=reco)
    return services.deal_create(actor=world.broker, recommendation=reco)


def test_deal_seen_by_participants_only(world, deal) -> None:
    p = world.personas
    url = f"/brokerage/deals/{deal.pk}/"
    for user in (world.broker, p.owner, p.researcher, p.staff):
        assert p.client_for(user).get(url).status_code == 200, user
    assert p.client_for(p.outsider).get(url).status_code == 404
    assert AuditEvent.objects.filter(
        event="access_denied", actor=p.outsider, object_type="brokerage.deal"
    ).exists()
    assert p.anonymous.get(url).status_code == 302
    # The parties follow but do not run the deal.
    response = p.client_for(p.owner).post(f"/brokerage/deals/{deal.pk}/do/next/")
    assert response.status_code == 404
    deal.refresh_from_db()
    assert deal.stage == "publication"
    services.deal_add_task(actor=world.broker, deal=deal, title="补充材料")
    assert "补充材料" in page(p.client_for(p.owner), f"/brokerage/deals/{deal.pk}/")
    outsider_deals = page(p.client_for(p.outsider), "/brokerage/deals/")
    assert deal.title not in outsider_deals and "补充材料" not in outsider_deals
    assert deal.title in page(p.client_for(p.owner), "/brokerage/deals/")


def test_stale_edit_is_refused_with_409(world, deal) -> None:
    stale = deal.version
    services.deal_update(actor=world.broker, deal=deal, title="新标题")
    with pytest.raises(ConflictError):
        services.deal_move(
            actor=world.broker, deal=Deal.objects.get(pk=deal.pk), expected_version=stale
        )
    response = world.personas.client_for(world.broker).post(
        f"/brokerage/deals/{deal.pk}/edit/", {"title": "再改", "version": stale}
    )
    assert response.status_code == 409
    assert Deal.objects.get(pk=deal.pk).title == "新标题"


def test_lost_needs_a_reason_and_win_only_from_the_last_stage(world, deal) -> None:
    with pytest.raises(TransitionError):
        services.deal_win(actor=world.broker, deal=deal)
    with pytest.raises(ValidationError):
        services.deal_lose(actor=world.broker, deal=deal, reason=" ")
    deal = services.deal_lose(actor=world.broker, deal=deal, reason="企业预算取消")
    assert (deal.stage, deal.result) == ("closed", "lost")
    assert DealEvent.objects.filter(deal=deal, kind="lost").exists()
    with pytest.raises(TransitionError):
        services.deal_create_contract(actor=world.broker, deal=deal, contract_type="development")


def test_tasks_notes_and_safe_attachments(world, deal) -> None:
    client = world.personas.client_for(world.broker)
    task = services.deal_add_task(actor=world.broker, deal=deal, title="补充材料")
    services.deal_complete_task(actor=world.broker, task=task)
    services.deal_add_note(actor=world.broker, deal=deal, text="<script>alert(1)</script>")
    disguised = SimpleUploadedFile("report.pdf", b"#!/bin/sh\nrm -rf /", "application/pdf")
    with pytest.raises(ValidationError):
        services.deal_attach(actor=world.broker, deal=deal, upload=disguised)
    pdf = SimpleUploadedFile("../../etc/报告.pdf", b"%PDF-1.4 test", "application/pdf")
    attachment = services.deal_attach(actor=world.broker, deal=deal, upload=pdf)
    assert "etc" not in attachment.file.name and "报告" not in attachment.file.name
    detail = page(client, f"/brokerage/deals/{deal.pk}/")
    assert "<script>alert(1)</script>" not in detail and "&lt;script&gt;" in detail
    download = client.get(f"/brokerage/deals/{deal.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    outsider = world.personas.client_for(world.personas.outsider)
    assert (
        outsider.get(f"/brokerage/deals/{deal.pk}/attachments/{attachment.pk}/").status_code == 404
    )
    kinds = list(DealEvent.objects.filter(deal=deal).values_list("kind", flat=True))
    assert kinds == ["created", "task", "task", "note", "attachment"]


def test_role_pages(world, deal) -> None:
    p = world.personas
    board = page(p.client_for(world.broker), "/brokerage/board/")
    assert deal.title in board
    assert f"/brokerage/demands/{world.demand.pk}/curate/" in board
    assert p.client_for(p.owner).get("/brokerage/board/").status_code == 403
    assert p.client_for(p.staff).get("/brokerage/bureau/").status_code == 200
    assert p.client_for(world.broker).get("/brokerage/bureau/").status_code == 403
    assert p.client_for(world.broker).get("/brokerage/performance/").status_code == 200
    assert p.client_for(p.owner).get("/brokerage/performance/").status_code == 403
    curate = p.client_for(world.broker).get(f"/brokerage/demands/{world.demand.pk}/curate/")
    assert curate.status_code == 200
    assert (
        p.client_for(p.owner).get(f"/brokerage/demands/{world.demand.pk}/curate/").status_code
        == 403
    )
