import datetime as dt

from techbridge.sharing.access import is_resource_staff, manages, operates, visible_orders
from techbridge.sharing.models import RateClass
from techbridge.sharing.selectors.agreements import (
    agreement_in_force,
    rate_class_for,
    rate_in_force,
)


def test_agreement_and_rate_in_force_follow_their_dates(sharing_world) -> None:
    w = sharing_world
    assert agreement_in_force(w.resource, dt.date(2025, 12, 31)) is None
    assert agreement_in_force(w.resource, dt.date(2026, 3, 1)) == w.agreement
    later = w.agreement.__class__.objects.create(
        resource=w.resource, owner=w.resource.owner, agency=w.agency,
        owner_share_bp=5000, staff_share_bp=3000, agency_share_bp=2000,
        valid_from=dt.date(2026, 6, 1),
    )
    assert agreement_in_force(w.resource, dt.date(2026, 5, 31)) == w.agreement
    assert agreement_in_force(w.resource, dt.date(2026, 6, 1)) == later
    rate = rate_in_force(w.resource, RateClass.PARTNER_ENTERPRISE, dt.date(2026, 2, 2))
    assert rate is not None and str(rate.price) == "180.00"


def test_rate_classes_and_roles(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    assert rate_class_for(p.org, w.resource) == RateClass.PARTNER_ENTERPRISE
    assert rate_class_for(p.institution, w.resource) == RateClass.INTERNAL
    assert manages(p.researcher, w.resource) and not manages(p.owner, w.resource)
    assert is_resource_staff(w.tech_a, w.resource, dt.date(2026, 3, 1))
    assert not is_resource_staff(p.researcher, w.resource, dt.date(2026, 3, 1))
    assert operates(w.agency_member, w.resource) and not operates(p.owner, w.resource)
    assert not visible_orders(p.outsider).exists()
