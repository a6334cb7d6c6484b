"""The database keeps WeeklySchedule equal to a resource's opening hours (migration 0003),
however the rows are written: one by one, in bulk, edited, deleted, with the resource."""

from __future__ import annotations

import datetime as dt

import pytest

from techbridge.sharing.models import OpeningHours, Resource, WeeklySchedule
from techbridge.sharing.tests.conftest import SharingWorld

pytestmark = pytest.mark.django_db


def _text(resource: Resource) -> str | None:
    row = WeeklySchedule.objects.filter(resource=resource).first()
    return None if row is None else row.hours


def _expected(resource: Resource) -> str:
    rows = OpeningHours.objects.filter(resource=resource).order_by("weekday", "opens")
    return ",".join(f"{h.weekday} {h.opens:%H:%M:%S} {h.closes:%H:%M:%S}" for h in rows)


def test_the_schedule_follows_every_write_of_the_hours(sharing_world: SharingWorld) -> None:
    resource = sharing_world.resource
    # The fixture wrote Monday–Friday 09–17 one row at a time.
    assert _text(resource) == ",".join(f"{d} 09:00:00 17:00:00" for d in range(5))

    # A second period on Monday, added before the first one in time: kept in order.
    OpeningHours.objects.create(resource=resource, weekday=0, opens=dt.time(7), closes=dt.time(8))
    assert _text(resource) == _expected(resource)
    assert _text(resource).startswith("0 07:00:00 08:00:00,0 09:00:00 17:00:00,")  # type: ignore[union-attr]

    # Edited in place (the admin could), deleted one by one and in bulk, written in bulk.
    OpeningHours.objects.filter(resource=resource, weekday=4).update(closes=dt.time(12, 30))
    assert "4 09:00:00 12:30:00" in (_text(resource) or "")
    OpeningHours.objects.filter(resource=resource, weekday=0, opens=dt.time(7)).delete()
    assert _text(resource) == _expected(resource)
    OpeningHours.objects.filter(resource=resource).delete()
    assert _text(resource) == ""
    OpeningHours.objects.bulk_create(
        OpeningHours(resource=resource, weekday=d, opens=dt.time(8), closes=dt.time(18))
        for d in (5, 6)
    )
    assert _text(resource) == "5 08:00:00 18:00:00,6 08:00:00 18:00:00"


def test_a_resource_without_hours_has_no_schedule_and_a_deleted_one_leaves_none(
    sharing_world: SharingWorld,
) -> None:
    resource = sharing_world.resource
    other = Resource.objects.create(
        kind=resource.kind,
        catalogue_kind=resource.catalogue_kind,
        catalogue_id=resource.catalogue_id + 1000,
        name="无开放时间的仪器",
        technical_field=resource.technical_field,
        owner=resource.owner,
    )
    assert _text(other) is None
    OpeningHours.objects.create(resource=other, weekday=2, opens=dt.time(9), closes=dt.time(11))
    assert _text(other) == "2 09:00:00 11:00:00"
    other_pk = other.pk
    other.delete()  # the cascade deletes hours and schedule, in either order
    assert not WeeklySchedule.objects.filter(resource_id=other_pk).exists()
    assert not OpeningHours.objects.filter(resource_id=other_pk).exists()
    assert _text(resource) == _expected(resource)  # the other resource's schedule untouched
