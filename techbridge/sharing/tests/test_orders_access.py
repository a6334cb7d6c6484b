"""Who sees and does what, through the pages (personas): customers their orders, the owner
side and the agreement's staff the resource's orders, the agency all orders it operates,
bureau staff read only, everyone else 404; forms answer 400 / 409 as the kernel says."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEvent
from techbridge.core.testing import make_organisation, make_user
from techbridge.organisations.models import OrganisationKind
from techbridge.sharing.models import OrderStatus, RateClass, ServiceOrder, SharingAgreement
from techbridge.sharing.services import orders as services
from techbridge.sharing.tests.conftest_orders import OrderWorld, at, make_booking, ow_fixture  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)


def _priced(ow: OrderWorld) -> ServiceOrder:
    order = services.order_from_booking(actor=None, booking=make_booking(ow.world, DAY))
    return services.usage_record(
        actor=ow.tech_a, order=order, actual_start=at(DAY, 9), actual_end=at(DAY, 10, 30)
    )


def test_who_sees_an_order(ow: OrderWorld) -> None:
    p = ow.personas
    order = _priced(ow)
    url = reverse("sharing:order", args=[order.pk])
    stranger_agency = make_organisation("别的机构", OrganisationKind.AGENCY)
    stranger = make_user("stranger_agent", Role.INSTITUTION_MEMBER, stranger_agency)
    seen = {
        p.owner: 200,
        p.colleague: 200,  # the customer's members
        p.researcher: 200,
        ow.tech_a: 200,  # the owner side, the staff
        ow.agency_member: 200,
        p.staff: 200,  # the agency, bureau staff (read)
        p.outsider: 404,
        stranger: 404,  # everyone else
    }
    for user, status in seen.items():
        assert p.client_for(user).get(url).status_code == status, user
    assert AuditEvent.objects.filter(event="access_denied", object_id=str(order.pk)).count() == 2
    assert p.anonymous.get(url).status_code == 302
    for user in (p.owner, p.researcher, ow.agency_member, p.staff):
        listing = p.client_for(user).get(reverse("sharing:orders"))
        assert order.number in listing.content.decode()
    assert (
        order.number not in p.client_for(p.outsider).get(reverse("sharing:orders")).content.decode()
    )


def test_the_owner_side_sees_the_split_and_the_customer_does_not(ow: OrderWorld) -> None:
    p = ow.personas
    order = _priced(ow)
    url = reverse("sharing:order", args=[order.pk])
    owner_page = p.client_for(p.researcher).get(url).content.decode()
    customer_page = p.client_for(p.owner).get(url).content.decode()
    # 270.00 split 60/25/15 = 162.00 / 67.50 / 40.50
    for text in ("162.00", "67.50", "40.50"):
        assert text in owner_page and text not in customer_page
    for page in (owner_page, customer_page):
        assert "270.00" in page and "180.00" in page
    assert "partner_enterprise" not in customer_page  # codes are shown by their names


def test_the_customer_confirms_on_the_order_page(ow: OrderWorld) -> None:
    p = ow.personas
    order = _priced(ow)
    page = p.client_for(p.owner).get(reverse("sharing:order", args=[order.pk])).content.decode()
    assert reverse("sharing:order_action", args=[order.pk, "confirm"]) in page
    action = reverse("sharing:order_action", args=[order.pk, "confirm"])
    # A version older than the price shown: refused, nothing changes.
    p.client_for(p.owner).post(action, {"version": order.version - 1})
    order.refresh_from_db()
    assert order.status == OrderStatus.PRICED
    p.client_for(p.outsider).post(action, {"version": order.version})
    order.refresh_from_db()
    assert order.status == OrderStatus.PRICED
    p.client_for(p.owner).post(action, {"version": order.version})
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    # Bureau staff read, they do not act.
    p.client_for(p.staff).post(
        reverse("sharing:order_action", args=[order.pk, "cancel"]), {"reason": "no"}
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED


def test_staff_record_usage_on_the_page(ow: OrderWorld) -> None:
    p = ow.personas
    order = services.order_from_booking(actor=None, booking=make_booking(ow.world, DAY))
    url = reverse("sharing:order_usage", args=[order.pk])
    assert p.client_for(p.owner).get(url).status_code == 404
    assert p.client_for(ow.tech_a).get(url).status_code == 200
    bad = p.client_for(ow.tech_a).post(
        url,
        {
            "actual_start": "2026-03-10T10:00",
            "actual_end": "2026-03-10T09:00",
            "staff": [ow.tech_a.pk],
            "version": order.version,
        },
    )
    assert bad.status_code == 400
    done = p.client_for(ow.tech_a).post(
        url,
        {
            "actual_start": "2026-03-10T09:00",
            "actual_end": "2026-03-10T10:30",
            "staff": [ow.tech_a.pk, ow.tech_b.pk],
            "version": order.version,
        },
    )
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.amount == Decimal("270.00") and order.status == OrderStatus.PRICED
    stale = p.client_for(ow.tech_b).post(
        reverse("sharing:order_amend", args=[order.pk]),
        {
            "actual_start": "2026-03-10T09:00",
            "actual_end": "2026-03-10T11:00",
            "reason": "复核",
            "version": order.version - 1,
        },
    )
    assert stale.status_code == 409


def test_resource_pages_and_who_manages(ow: OrderWorld) -> None:
    p = ow.personas
    url = reverse("sharing:resource", args=[ow.resource.pk])
    owner_page = p.client_for(p.researcher).get(url).content.decode()
    assert reverse("sharing:rate_new", args=[ow.resource.pk]) in owner_page
    assert "60/25/15" in owner_page
    enterprise_page = p.client_for(p.owner).get(url).content.decode()
    assert "180.00" in enterprise_page  # fee standards are shown to every member
    assert "60/25/15" not in enterprise_page  # the agreement is not
    assert reverse("sharing:rate_new", args=[ow.resource.pk]) not in enterprise_page
    for name in ("rate_new", "agreement_new", "qualification_new", "resource_edit"):
        target = reverse(f"sharing:{name}", args=[ow.resource.pk])
        assert p.client_for(p.owner).get(target).status_code == 404
        assert p.client_for(ow.agency_member).get(target).status_code == 404
        assert p.client_for(p.researcher).get(target).status_code == 200
    agreement_url = reverse("sharing:agreement", args=[ow.agreement.pk])
    assert p.client_for(ow.agency_member).get(agreement_url).status_code == 200
    assert p.client_for(ow.tech_a).get(agreement_url).status_code == 200
    assert p.client_for(p.owner).get(agreement_url).status_code == 404
    assert (
        p.client_for(ow.agency_member)
        .get(reverse("sharing:agreement_edit", args=[ow.agreement.pk]))
        .status_code
        == 404
    )
    closed = type(ow.resource).objects.filter(pk=ow.resource.pk)
    closed.update(active=False)
    assert p.client_for(p.owner).get(url).status_code == 404
    assert p.client_for(ow.agency_member).get(url).status_code == 200


def test_agreement_form_takes_percentages_and_says_what_is_wrong(ow: OrderWorld) -> None:
    p = ow.personas
    url = reverse("sharing:agreement_new", args=[ow.resource.pk])
    client = p.client_for(p.researcher)
    bad = client.post(
        url,
        {
            "agency": ow.agency.pk,
            "ratio": "60%/25%/10%",
            "valid_from": "2026-12-20",
            "requires_approval": "on",
        },
    )
    assert bad.status_code == 400
    assert "100 %" in bad.content.decode() and "95 %" in bad.content.decode()
    good = client.post(
        url,
        {
            "agency": ow.agency.pk,
            "ratio": "55%/30%/15%",
            "valid_from": "2026-12-20",
            "staff": [ow.tech_a.pk],
        },
    )
    assert good.status_code == 302
    agreement = SharingAgreement.objects.get(valid_from=dt.date(2026, 12, 20))
    assert agreement.ratio_label == "55/30/15"
    old = SharingAgreement.objects.get(pk=ow.agreement.pk)
    assert old.valid_until == dt.date(2026, 12, 19)


def test_rate_and_qualification_forms(ow: OrderWorld) -> None:
    p = ow.personas
    client = p.client_for(p.researcher)
    url = reverse("sharing:rate_new", args=[ow.resource.pk])
    bad = client.post(
        url,
        {
            "rate_class": "enterprise",
            "unit": "hour",
            "price": "-5",
            "billed_on": "used",
            "late_cancellation": "50%",
            "effective_from": "2026-12-20",
        },
    )
    assert bad.status_code == 400
    good = client.post(
        url,
        {
            "rate_class": "enterprise",
            "unit": "hour",
            "price": "210.00",
            "minimum_charge": "",
            "billed_on": "greater",
            "late_cancellation": "30%",
            "effective_from": "2026-12-20",
        },
    )
    assert good.status_code == 302
    rate = ow.resource.rates.get(rate_class=RateClass.ENTERPRISE, effective_from="2026-12-20")
    assert rate.late_cancellation_bp == 3000 and rate.minimum_charge == Decimal("0.00")
    q_url = reverse("sharing:qualification_new", args=[ow.resource.pk])
    unknown = client.post(
        q_url, {"username": "nobody", "valid_from": "2026-12-01", "valid_until": "2027-12-01"}
    )
    assert unknown.status_code == 400
    assert (
        client.post(
            q_url,
            {"username": "colleague", "valid_from": "2026-12-01", "valid_until": "2027-12-01"},
        ).status_code
        == 302
    )


def test_every_sharing_page_of_this_part_refuses_anonymous_users(ow: OrderWorld) -> None:
    order = _priced(ow)
    names = [
        ("sharing:resource_list", []),
        ("sharing:resource", [ow.resource.pk]),
        ("sharing:agreements", []),
        ("sharing:agreement", [ow.agreement.pk]),
        ("sharing:orders", []),
        ("sharing:order", [order.pk]),
        ("sharing:orders_export", []),
        ("sharing:rates_export", []),
    ]
    for name, args in names:
        assert ow.personas.anonymous.get(reverse(name, args=args)).status_code == 302, name
    api = ow.personas.anonymous.get(reverse("sharing-api:orders"))
    assert api.status_code in (401, 403)


def test_exports_mask_the_customer_contact(ow: OrderWorld) -> None:
    p = ow.personas
    type(p.owner).objects.filter(pk=p.owner.pk).update(display_name="张三丰")
    _priced(ow)
    response = p.client_for(p.researcher).get(reverse("sharing:orders_export") + "?format=csv")
    text = response.content.decode("utf-8-sig")
    assert "张**" in text and "张三丰" not in text
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(event="export", object_type="export.sharing-usage").exists()
