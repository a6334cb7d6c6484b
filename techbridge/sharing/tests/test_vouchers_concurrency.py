"""Never overspent under concurrent use (issue 11 acceptance): many bureau members approving
against a small budget, many issuances for one enterprise against its cap, many orders
redeeming one voucher, and one set of payments claimed many times at once. Each thread has
its own database connection and they start together at a barrier.

PostgreSQL: the row locks (``select_for_update``) and check constraints do the work.
SQLite: the same tests run when the test database is a file shared by the threads
(``TEST_DATABASE_NAME=/tmp/test_tb_vouchers.sqlite3``); IMMEDIATE transactions serialise the
writers there. SQLite's default in-memory test database cannot be shared, so they skip.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from techbridge.accounts.roles import Role
from techbridge.core.exceptions import TransitionError
from techbridge.core.testing import make_organisation, make_user
from techbridge.sharing.models import (
    EnterpriseAllowance,
    Redemption,
    ReimbursementClaim,
    Voucher,
    VoucherApplication,
    VoucherProgramme,
)
from techbridge.sharing.services import vouchers as services
from techbridge.sharing.tests.conftest_vouchers import (  # noqa: F401  (fixtures)
    VoucherWorld,
    programme_data,
    vw_fixture,
)

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

N = 16
D = Decimal
REFUSED = (ValidationError, TransitionError)


@pytest.fixture(autouse=True)
def _shared_database() -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "Needs PostgreSQL, or SQLite with a file test database shared by the threads "
            "(TEST_DATABASE_NAME=/tmp/test_tb_vouchers.sqlite3)."
        )


def run_together(work: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """Run ``work(item)`` for every item in its own thread, all released at once; return
    each result, or the refusal it raised (anything else fails the test)."""
    barrier = threading.Barrier(len(items))
    results: list[Any] = [None] * len(items)

    def run(i: int, item: Any) -> None:
        try:
            barrier.wait(timeout=60)
            results[i] = work(item)
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, it)) for i, it in enumerate(items)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    unexpected = [r for r in results if isinstance(r, BaseException) and not isinstance(r, REFUSED)]
    assert not unexpected, unexpected
    return results


def _ok(results: list[Any]) -> list[Any]:
    return [r for r in results if not isinstance(r, BaseException)]


def test_concurrent_approvals_never_exceed_the_budget(vw: VoucherWorld) -> None:
    p = vw.personas
    programme = services.programme_create(
        actor=p.staff, **programme_data(budget="1000.00", cap_per_enterprise_year="1000.00")
    )
    services.programme_open(actor=p.staff, programme=programme)
    applications = []
    for i in range(N):
        org = make_organisation(f"并发企业{i}", region_code="520100")
        member = make_user(f"member-{i}", Role.ENTERPRISE_MEMBER, org)
        applications.append(
            services.application_submit(
                actor=member, programme=programme, amount_requested="150.00"
            )
        )
    second = make_user("staff-2", Role.BUREAU_STAFF, p.bureau)
    results = run_together(
        lambda pair: services.application_approve(
            actor=pair[1], application=VoucherApplication.objects.get(pk=pair[0].pk)
        ),
        [(a, p.staff if i % 2 else second) for i, a in enumerate(applications)],
    )
    assert len(_ok(results)) == 6  # 6 × 150 = 900 ≤ 1000 < 7 × 150
    programme.refresh_from_db()
    faces = sum(v.face_value for v in Voucher.objects.filter(programme=programme))
    assert programme.issued_total == faces == D("900.00") <= programme.budget
    assert VoucherApplication.objects.filter(programme=programme, status="approved").count() == 6
    codes = set(Voucher.objects.values_list("code", flat=True))
    assert len(codes) == 6


def test_concurrent_issuances_never_exceed_the_enterprise_cap(vw: VoucherWorld) -> None:
    p = vw.personas
    programme = services.programme_create(
        actor=p.staff, **programme_data(cap_per_enterprise_year="1000.00")
    )
    services.programme_open(actor=p.staff, programme=programme)
    applications = [
        services.application_submit(
            actor=p.owner if i % 2 else p.colleague,
            programme=programme,
            amount_requested="150.00",
        )
        for i in range(N)
    ]
    results = run_together(
        lambda a: services.application_approve(
            actor=p.staff, application=VoucherApplication.objects.get(pk=a.pk)
        ),
        applications,
    )
    assert len(_ok(results)) == 6
    allowance = EnterpriseAllowance.objects.get(programme=programme, enterprise=p.org)
    assert allowance.issued == D("900.00") <= allowance.cap
    programme.refresh_from_db()
    assert programme.issued_total == D("900.00")


def test_concurrent_redemptions_never_exceed_the_face_value(vw: VoucherWorld) -> None:
    p = vw.personas
    voucher = vw.issue("1000.00")
    orders = [vw.order("600.00") for _ in range(N)]  # each may take 300 (50 %)
    results = run_together(
        lambda order: services.apply_voucher(actor=p.owner, order=order, voucher=voucher), orders
    )
    amounts = sorted(r.amount for r in _ok(results))
    assert amounts == [D("100.00"), D("300.00"), D("300.00"), D("300.00")]
    voucher.refresh_from_db()
    live = Redemption.objects.filter(voucher=voucher, released_at__isnull=True)
    assert voucher.used == sum(r.amount for r in live) == voucher.face_value
    assert VoucherProgramme.objects.get(pk=vw.programme.pk).used_total == D("1000.00")
    for order in orders:
        order.refresh_from_db()
        assert order.voucher_amount + order.enterprise_amount == order.amount
    assert sum(o.voucher_amount for o in orders) == D("1000.00")


def test_two_vouchers_on_one_order_at_once_pay_once(vw: VoucherWorld) -> None:
    p = vw.personas
    vouchers = [vw.issue("1000.00") for _ in range(4)]
    order = vw.order("1000.00")
    results = run_together(
        lambda v: services.apply_voucher(actor=p.owner, order=order, voucher=v), vouchers
    )
    assert len(_ok(results)) == 1
    order.refresh_from_db()
    assert order.voucher_amount == D("500.00") and order.enterprise_amount == D("500.00")
    assert sum(Voucher.objects.get(pk=v.pk).used for v in vouchers) == D("500.00")


def test_the_same_payments_claimed_at_once_are_claimed_once(vw: VoucherWorld) -> None:
    voucher = vw.issue("5000.00")
    redemptions = []
    for _ in range(3):
        order = vw.order("1000.00")
        redemptions.append(services.apply_voucher(actor=None, order=order, voucher=voucher))
        vw.confirm(order)
    results = run_together(
        lambda i: services.claim_submit(
            actor=vw.agency_member, redemptions=redemptions, invoice_number=f"INV-{i}"
        ),
        list(range(8)),
    )
    assert len(_ok(results)) == 1
    assert ReimbursementClaim.objects.count() == 1
    programme = VoucherProgramme.objects.get(pk=vw.programme.pk)
    assert programme.claimed_total == D("1500.00") == programme.used_total
