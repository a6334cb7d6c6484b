"""Record pages lead somewhere (issue 14): recommendations link the demand and the
resource; after acceptance the resource's contact is on the page for the accepting
enterprise and the recommending broker only; declining needs a reason chosen on purpose;
buttons name their effect and risky ones ask first; the visit form preselects nobody."""

from __future__ import annotations

import re

import pytest

from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEvent
from techbridge.brokerage import selectors, services
from techbridge.brokerage.models import Recommendation
from techbridge.catalogue.models import Achievement
from techbridge.core.testing import make_organisation, make_user
from techbridge.organisations.models import OrganisationKind

pytestmark = pytest.mark.django_db

#: The achievement's own contact person (the record's contact fields win over the
#: organisation's, which the world fixture sets to 李四 13900139000).
PHONE = "13700137000"


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.fixture
def reco(world) -> Recommendation:
    Achievement.objects.filter(pk=world.achievement.pk).update(
        contact_name="王五", contact_phone=PHONE, contact_email="wangwu@example.org"
    )
    return services.recommendation_create(
        actor=world.broker,
        demand=world.demand,
        resource_kind="achievement",
        resource_id=world.achievement.pk,
        note="值得一谈",
    )


def test_recommendation_pages_link_the_demand_and_the_resource(world, reco) -> None:
    p = world.personas
    demand_url = f'href="/catalogue/demands/{world.demand.pk}/"'
    resource_url = f'href="/catalogue/achievements/{world.achievement.pk}/"'
    enterprise = page(p.client_for(p.owner), "/brokerage/recommendations/")
    assert demand_url in enterprise
    assert resource_url in enterprise
    curate = page(p.client_for(world.broker), f"/brokerage/demands/{world.demand.pk}/curate/")
    assert resource_url in curate
    services.recommendation_accept(actor=p.owner, recommendation=reco)
    deal = services.deal_create(actor=world.broker, recommendation=reco)
    detail = page(p.client_for(world.broker), f"/brokerage/deals/{deal.pk}/")
    assert demand_url in detail
    assert resource_url in detail


def test_contact_details_after_acceptance_for_the_enterprise_and_the_broker(world, reco) -> None:
    p = world.personas
    curate_url = f"/brokerage/demands/{world.demand.pk}/curate/"
    # Before the answer: nobody sees the contact.
    assert PHONE not in page(p.client_for(p.owner), "/brokerage/recommendations/")
    assert PHONE not in page(p.client_for(world.broker), curate_url)

    services.recommendation_accept(actor=p.owner, recommendation=reco)
    enterprise = page(p.client_for(p.owner), "/brokerage/recommendations/")
    assert PHONE in enterprise
    assert "王五" in enterprise
    assert 'href="mailto:wangwu@example.org"' in enterprise
    assert AuditEvent.objects.filter(
        event="reveal", actor=p.owner, object_id=str(world.achievement.pk)
    ).exists()
    assert PHONE in page(p.client_for(world.broker), curate_url)
    assert AuditEvent.objects.filter(event="reveal", actor=world.broker).exists()
    deal = services.deal_create(actor=world.broker, recommendation=reco)
    assert PHONE in page(p.client_for(world.broker), f"/brokerage/deals/{deal.pk}/")
    assert PHONE in page(p.client_for(p.owner), f"/brokerage/deals/{deal.pk}/")

    # Another broker curating the same demand, and bureau staff on the deal page, do not
    # get the contact from these pages.
    other_broker = make_user("broker2", Role.BROKER, world.agency)
    other = page(p.client_for(other_broker), curate_url)
    assert PHONE not in other
    assert "王五" not in other
    assert PHONE not in page(p.client_for(p.staff), f"/brokerage/deals/{deal.pk}/")
    # Another enterprise has no recommendations of this demand at all.
    assert PHONE not in page(p.client_for(p.outsider), "/brokerage/recommendations/")


def test_falls_back_to_the_owner_organisations_contact(world) -> None:
    p = world.personas
    reco = services.recommendation_create(
        actor=world.broker,
        demand=world.demand,
        resource_kind="achievement",
        resource_id=world.achievement.pk,
    )
    services.recommendation_accept(actor=p.owner, recommendation=reco)
    assert "13900139000" in page(p.client_for(p.owner), "/brokerage/recommendations/")


def test_decline_reason_has_no_preselected_value(world, reco) -> None:
    html = page(world.personas.client_for(world.personas.owner), "/brokerage/recommendations/")
    select = re.search(r'<select name="reason"[^>]*>(.*?)</select>', html, re.S)
    assert select, "the decline form has a reason choice"
    assert "required" in select.group(0).split(">", 1)[0]
    options = re.findall(r"<option[^>]*>", select.group(1))
    assert options[0].startswith('<option value=""'), options[0]
    assert "请选择原因" in select.group(1)
    assert not [o for o in options[1:] if "selected" in o]


def test_decline_without_a_reason_is_refused_with_a_message(world, reco) -> None:
    client = world.personas.client_for(world.personas.owner)
    url = f"/brokerage/recommendations/{reco.pk}/answer/"
    response = client.post(url, {"answer": "decline", "reason": "", "text": "太贵"}, follow=True)
    assert "请选择不采纳的原因" in response.content.decode()
    reco.refresh_from_db()
    assert reco.status == "recommended"
    # A reason without a note is enough.
    response = client.post(url, {"answer": "decline", "reason": "too_expensive"})
    assert response.status_code == 302
    reco.refresh_from_db()
    assert (reco.status, reco.decline_reason, reco.decline_text) == (
        "declined",
        "too_expensive",
        "",
    )


def test_answer_buttons_name_their_effect_and_decline_confirms(world, reco) -> None:
    html = page(world.personas.client_for(world.personas.owner), "/brokerage/recommendations/")
    assert "采纳并交换联系方式" in html
    assert re.search(r"<button[^>]*data-confirm=\"[^\"]+\"[^>]*>不采纳</button>", html), html


@pytest.fixture
def deal(world, reco):
    services.recommendation_accept(actor=world.personas.owner, recommendation=reco)
    return services.deal_create(actor=world.broker, recommendation=reco)


def test_next_stage_button_names_the_next_stage(world, deal) -> None:
    client = world.personas.client_for(world.broker)
    assert deal.stage == "publication"
    html = page(client, f"/brokerage/deals/{deal.pk}/")
    assert "进入下一阶段：成果包装" in html
    assert "下一阶段</button>" not in html
    # Closing as lost asks first.
    assert re.search(r"<button[^>]*data-confirm=\"[^\"]+\"[^>]*>以未成交结束</button>", html)
    client.post(f"/brokerage/deals/{deal.pk}/do/next/", {"version": deal.version})
    assert "进入下一阶段：价值评估" in page(client, f"/brokerage/deals/{deal.pk}/")


def _visit_station(personas):
    org = make_organisation("快速响应站", OrganisationKind.STATION, region_code="520100")
    staff = make_user("station1", Role.STATION_STAFF, org)
    services.station_create(actor=personas.staff, organisation=org, members=[staff])
    return staff


def test_visit_form_preselects_no_enterprise(personas, codes) -> None:
    staff = _visit_station(personas)
    client = personas.client_for(staff)
    html = page(client, "/brokerage/visits/")
    select = re.search(r'<select name="enterprise"[^>]*>(.*?)</select>', html, re.S)
    assert select
    assert "required" in select.group(0).split(">", 1)[0]
    options = re.findall(r"<option[^>]*>", select.group(1))
    assert options[0].startswith('<option value=""')
    assert not [o for o in options[1:] if "selected" in o]
    assert personas.org.name in select.group(1)

    response = client.post("/brokerage/visits/", {"visited_on": "2026-03-02", "enterprise": ""})
    assert response.status_code == 200
    assert "请选择走访的企业" in response.content.decode()
    assert selectors.visits_visible_to(staff).count() == 0
