"""The REST API of resources, agreements, rates, qualifications and orders: amounts as exact
strings, 404 for what a user may not see, 409 for stale versions, all in the schema."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from drf_spectacular.generators import SchemaGenerator

from techbridge.sharing.models import OrderStatus, Rate, SharingAgreement
from techbridge.sharing.services import orders as services
from techbridge.sharing.tests.conftest_orders import OrderWorld, at, make_booking, ow_fixture  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)
BASE = "/api/v1/sharing"


def _json(response: Any) -> Any:
    return json.loads(response.content)


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_order_workflow_through_the_api(ow: OrderWorld) -> None:
    p = ow.personas
    order = services.order_from_booking(actor=None, booking=make_booking(ow.world, DAY))
    staff, customer = p.client_for(ow.tech_a), p.client_for(p.owner)
    detail = _json(customer.get(f"{BASE}/orders/{order.pk}/"))
    assert detail["status"] == "draft" and detail["booked_quantity"] == "2"
    assert detail["breakdown"]["estimated"] is True and detail["breakdown"]["amount"] == "360.00"
    refused = _post(
        customer,
        f"{BASE}/orders/{order.pk}/usage/",
        {"actual_start": "2026-03-10T09:00:00+08:00", "actual_end": "2026-03-10T10:30:00+08:00"},
    )
    assert refused.status_code == 403
    priced = _post(
        staff,
        f"{BASE}/orders/{order.pk}/usage/",
        {
            "actual_start": "2026-03-10T09:00:00+08:00",
            "actual_end": "2026-03-10T10:30:00+08:00",
            "staff": [ow.tech_a.pk],
        },
    )
    assert priced.status_code == 200, priced.content
    body = _json(priced)
    assert (body["status"], body["amount"], body["used_quantity"]) == ("priced", "270.00", "1.5")
    assert [s["amount"] for s in body["breakdown"]["split"]] == ["162.00", "67.50", "40.50"]
    assert _json(customer.get(f"{BASE}/orders/{order.pk}/"))["breakdown"]["split"] == []
    amended = _post(
        staff,
        f"{BASE}/orders/{order.pk}/amend/",
        {"quantity": "2", "reason": "按预约时长", "version": body["version"]},
    )
    assert _json(amended)["amount"] == "360.00"
    stale = _post(customer, f"{BASE}/orders/{order.pk}/confirm/", {"version": body["version"]})
    assert stale.status_code == 409 and _json(stale)["error"]["code"] == "conflict"
    done = _post(
        customer, f"{BASE}/orders/{order.pk}/confirm/", {"version": _json(amended)["version"]}
    )
    assert _json(done)["status"] == OrderStatus.CONFIRMED
    again = _post(customer, f"{BASE}/orders/{order.pk}/cancel/", {"reason": "x"})
    assert again.status_code == 403  # a confirmed order is the owner's to cancel


def test_orders_of_others_are_404_and_lists_are_filtered(ow: OrderWorld) -> None:
    p = ow.personas
    order = services.order_from_booking(actor=None, booking=make_booking(ow.world, DAY))
    assert p.client_for(p.outsider).get(f"{BASE}/orders/{order.pk}/").status_code == 404
    assert (
        _post(
            p.client_for(p.outsider), f"{BASE}/orders/{order.pk}/cancel/", {"reason": "x"}
        ).status_code
        == 404
    )
    assert _json(p.client_for(p.outsider).get(f"{BASE}/orders/"))["count"] == 0
    assert _json(p.client_for(ow.agency_member).get(f"{BASE}/orders/"))["count"] == 1
    assert p.client_for(p.owner).get(f"{BASE}/orders/?status=nonsense").status_code == 400


def test_a_sample_order_through_the_api(ow: OrderWorld) -> None:
    p = ow.personas
    response = _post(
        p.client_for(p.owner),
        f"{BASE}/orders/",
        {
            "resource": ow.service.pk,
            "kind": "sample_testing",
            "service_date": "2026-03-10",
            "quantity": "3",
            "content": "成分分析",
        },
    )
    assert response.status_code == 201, response.content
    order = _json(response)
    assert order["booked_quantity"] == "3" and order["customer"] == p.org.pk
    priced = _post(p.client_for(ow.tech_a), f"{BASE}/orders/{order['id']}/usage/", {"samples": 3})
    assert _json(priced)["amount"] == "1051.50"
    bad = _post(
        p.client_for(p.owner),
        f"{BASE}/orders/",
        {
            "resource": ow.service.pk,
            "kind": "sample_testing",
            "service_date": "2026-03-10",
            "quantity": "1.2345",
        },
    )
    assert bad.status_code == 400 and "quantity" in _json(bad)["error"]["fields"]


def test_agreements_rates_and_qualifications_through_the_api(ow: OrderWorld) -> None:
    p = ow.personas
    owner = p.client_for(p.researcher)
    created = _post(
        owner,
        f"{BASE}/agreements/",
        {
            "resource": ow.resource.pk,
            "agency": ow.agency.pk,
            "ratio": "50/30/20",
            "valid_from": "2026-12-20",
            "staff": [ow.tech_a.pk],
        },
    )
    assert created.status_code == 201, created.content
    agreement = _json(created)
    assert (agreement["owner_share_bp"], agreement["ratio"]) == (5000, "50/30/20")
    bad = _post(
        owner,
        f"{BASE}/agreements/",
        {
            "resource": ow.resource.pk,
            "agency": ow.agency.pk,
            "ratio": "50/30/10",
            "valid_from": "2026-12-25",
        },
    )
    assert bad.status_code == 400 and "ratio" in _json(bad)["error"]["fields"]
    patch = owner.patch(
        f"{BASE}/agreements/{agreement['id']}/",
        json.dumps({"note": "续签", "version": agreement["version"]}),
        content_type="application/json",
    )
    assert patch.status_code == 200 and _json(patch)["note"] == "续签"
    stale = owner.patch(
        f"{BASE}/agreements/{agreement['id']}/",
        json.dumps({"note": "再改", "version": agreement["version"]}),
        content_type="application/json",
    )
    assert stale.status_code == 409
    no_version = owner.patch(
        f"{BASE}/agreements/{agreement['id']}/",
        json.dumps({"note": "x"}),
        content_type="application/json",
    )
    assert no_version.status_code == 400
    assert p.client_for(p.owner).get(f"{BASE}/agreements/{agreement['id']}/").status_code == 404
    assert SharingAgreement.objects.get(pk=ow.agreement.pk).valid_until == dt.date(2026, 12, 19)

    rate = _post(
        owner,
        f"{BASE}/rates/",
        {
            "resource": ow.resource.pk,
            "rate_class": "enterprise",
            "unit": "hour",
            "price": "1234567.89",
            "effective_from": "2026-12-20",
        },
    )
    assert rate.status_code == 201 and _json(rate)["price"] == "1234567.89"
    assert Rate.objects.get(pk=_json(rate)["id"]).price.as_tuple().exponent == -2
    floaty = owner.post(  # the JSON number 1e10, as written: never read as a float
        f"{BASE}/rates/",
        f'{{"resource": {ow.resource.pk}, "rate_class": "academic", "unit": "hour", '
        '"price": 1e10, "effective_from": "2026-12-20"}',
        content_type="application/json",
    )
    assert floaty.status_code == 400
    listed = _json(
        p.client_for(p.owner).get(f"{BASE}/rates/?resource={ow.resource.pk}&in_force_on=2026-12-21")
    )
    assert {r["rate_class"] for r in listed["results"]} == {
        "internal",
        "academic",
        "enterprise",
        "partner_enterprise",
    }
    assert (
        _post(
            p.client_for(p.owner),
            f"{BASE}/rates/",
            {
                "resource": ow.resource.pk,
                "rate_class": "enterprise",
                "unit": "hour",
                "price": "1",
                "effective_from": "2026-12-22",
            },
        ).status_code
        == 403
    )

    granted = _post(
        owner,
        f"{BASE}/qualifications/",
        {
            "resource": ow.resource.pk,
            "username": "colleague",
            "valid_from": "2026-12-01",
            "valid_until": "2027-12-01",
        },
    )
    assert granted.status_code == 201
    mine = _json(p.client_for(p.colleague).get(f"{BASE}/qualifications/"))
    assert [q["username"] for q in mine["results"]] == ["colleague"]
    revoked = _post(
        owner, f"{BASE}/qualifications/{_json(granted)['id']}/revoke/", {"reason": "违规"}
    )
    assert _json(revoked)["revoked_at"] is not None


def test_resources_through_the_api(ow: OrderWorld) -> None:
    p = ow.personas
    listed = _json(p.client_for(p.owner).get(f"{BASE}/resources/?kind=instrument"))
    assert [r["name"] for r in listed["results"]] == [ow.resource.name]
    resource = _json(p.client_for(p.researcher).get(f"{BASE}/resources/{ow.resource.pk}/"))
    changed = p.client_for(p.researcher).patch(
        f"{BASE}/resources/{ow.resource.pk}/",
        json.dumps({"free_cancellation_hours": 12, "version": resource["version"]}),
        content_type="application/json",
    )
    assert changed.status_code == 200 and _json(changed)["free_cancellation_hours"] == 12
    refused = p.client_for(p.owner).patch(
        f"{BASE}/resources/{ow.resource.pk}/",
        json.dumps({"active": False, "version": _json(changed)["version"]}),
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_every_endpoint_is_in_the_schema_with_money_as_strings() -> None:
    raw = SchemaGenerator(api_version="1").get_schema(request=None, public=True)
    spec = json.loads(json.dumps(raw, cls=DjangoJSONEncoder))
    paths = spec["paths"]
    for path in (
        "/api/v1/sharing/resources/",
        "/api/v1/sharing/resources/{id}/",
        "/api/v1/sharing/agreements/",
        "/api/v1/sharing/agreements/{id}/",
        "/api/v1/sharing/agreements/{id}/end/",
        "/api/v1/sharing/rates/",
        "/api/v1/sharing/rates/{id}/end/",
        "/api/v1/sharing/qualifications/",
        "/api/v1/sharing/qualifications/{id}/revoke/",
        "/api/v1/sharing/orders/",
        "/api/v1/sharing/orders/{id}/",
        "/api/v1/sharing/orders/{id}/usage/",
        "/api/v1/sharing/orders/{id}/amend/",
        "/api/v1/sharing/orders/{id}/confirm/",
        "/api/v1/sharing/orders/{id}/cancel/",
    ):
        assert path in paths, path
    order = spec["components"]["schemas"]["OrderDetailOutput"]["properties"]
    for name in ("amount", "voucher_amount", "enterprise_amount", "unit_price"):
        assert order[name]["type"] == "string", name
