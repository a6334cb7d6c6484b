"""The other figures against hand-made records (issue 15 acceptance): projects started,
instruments shared and enterprises served (distinct, confirmed orders only), and problems
solved on time (resolved before the deadline, not after)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from techbridge.core.testing import make_organisation
from techbridge.programmes import metrics
from techbridge.projects.models import Batch, Project
from techbridge.sharing.models import ServiceOrder
from techbridge.sharing.tests.conftest_orders import ow_fixture  # noqa: F401
from techbridge.supervision.models import ProblemReport
from techbridge.supervision.tests.conftest import calendar, file_report, world  # noqa: F401

pytestmark = pytest.mark.django_db

YEAR = 2026


def _value(programme: Any, key: str) -> tuple[int, list[int]]:
    return metrics.year_values(programme, metrics.METRICS[key], YEAR)


def _at(month: int, day: int = 10, hour: int = 10) -> dt.datetime:
    return dt.datetime(YEAR, month, day, hour, tzinfo=timezone.get_current_timezone())


def test_projects_started_by_start_date_and_region(pair) -> None:
    batch = Batch.objects.create(name="批次", signed_on=dt.date(2025, 1, 1))

    def project(code: str, region: str, started: dt.date | None) -> None:
        Project.objects.create(
            code=code,
            name=code,
            batch=batch,
            signed_on=dt.date(2025, 1, 1),
            investor_name="投资方",
            region_code=region,
            total_investment=Decimal(1),
            stage="started" if started else "signed",
            started_on=started,
        )

    project("P1", "520115", dt.date(YEAR, 2, 1))
    project("P2", "520102", dt.date(YEAR, 2, 28))
    project("P3", "520102", None)  # signed, not started
    project("P4", "520102", dt.date(YEAR - 1, 12, 31))  # started last year
    project("P5", "130802", dt.date(YEAR, 7, 1))
    assert _value(pair.guiyang, "projects_started") == (2, [0, 2] + [0] * 10)
    assert _value(pair.chengde, "projects_started") == (1, [0] * 6 + [1] + [0] * 5)


def test_sharing_counts_distinct_resources_and_customers_of_confirmed_orders(pair, ow) -> None:
    gy_a = make_organisation("贵阳客户甲", region_code="520115")
    gy_b = make_organisation("贵阳客户乙", region_code="520102")
    cd = make_organisation("承德客户", region_code="130802")
    customer_user = ow.world.personas.owner
    n = 0

    def order(resource: Any, customer: Any, month: int, status: str = "confirmed") -> None:
        nonlocal n
        n += 1
        priced = status in ("confirmed", "settled")
        ServiceOrder.objects.create(
            number=f"SO{n:04d}",
            kind="sample_testing",
            status=status,
            resource=resource,
            customer=customer,
            customer_user=customer_user,
            service_date=dt.date(YEAR, month, 5),
            rate_class="partner_enterprise",
            billed_on="used",
            agreement=ow.world.agreement if priced else None,
            priced_at=_at(month) if priced else None,
            confirmed_at=_at(month) if priced else None,
        )

    order(ow.service, gy_a, 3)
    order(ow.service, gy_a, 3)  # same resource, same customer
    order(ow.data, gy_b, 4, status="settled")
    order(ow.data, gy_b, 5, status="draft")  # not confirmed: not counted
    order(ow.service, cd, 3)
    assert _value(pair.guiyang, "instruments_shared") == (2, [0, 0, 1, 1] + [0] * 8)
    assert _value(pair.guiyang, "enterprises_served") == (2, [0, 0, 1, 1] + [0] * 8)
    assert _value(pair.chengde, "enterprises_served")[0] == 1


def test_problems_solved_on_time_only(pair, world, file_report) -> None:  # noqa: F811
    on_time, late, open_one = file_report(), file_report(), file_report()
    due = _at(6, 20)
    ProblemReport.objects.filter(pk=on_time.pk).update(
        status="resolved",
        resolution_due_at=due,
        resolved_at=due,  # at the deadline: on time
    )
    ProblemReport.objects.filter(pk=late.pk).update(
        status="resolved", resolution_due_at=due, resolved_at=due + dt.timedelta(minutes=1)
    )
    ProblemReport.objects.filter(pk=open_one.pk).update(resolution_due_at=due)
    assert _value(pair.guiyang, "problems_solved_on_time") == (1, [0] * 5 + [1] + [0] * 6)
    assert _value(pair.chengde, "problems_solved_on_time")[0] == 0
