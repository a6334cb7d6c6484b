"""Monthly settlement: exact splits, idempotence, late confirmations, immutability,
adjustments next month, events and audit rows, all-or-nothing runs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from techbridge.audit.models import AuditEvent
from techbridge.core.exceptions import TransitionError
from techbridge.sharing.models import OrderEvent, OrderStatus, ServiceOrder, SharingAgreement
from techbridge.sharing.models.settlement import (
    IssuedStatementError,
    LineKind,
    PartyKind,
    SettlementAdjustment,
    SettlementRun,
    Statement,
    StatementLine,
)
from techbridge.sharing.services import settlement as services
from techbridge.sharing.services.settlement import settle_month, settlement_adjustment_record
from techbridge.sharing.tests.conftest_settlement import SettlementWorld, build_settlement_world

pytestmark = pytest.mark.django_db
MARCH, APRIL = dt.date(2026, 3, 1), dt.date(2026, 4, 1)


@pytest.fixture
def sw(sharing_world) -> SettlementWorld:  # type: ignore[no-untyped-def]
    return build_settlement_world(sharing_world)


def totals(run: SettlementRun) -> dict[tuple[str, str], Decimal]:
    return {
        (s.party_kind, str(s.party)): s.total
        for s in Statement.objects.filter(run=run).select_related(
            "organisation", "user", "programme"
        )
    }


def income_sum(run: SettlementRun) -> Decimal:
    return Statement.objects.filter(run=run).exclude(party_kind=PartyKind.PROGRAMME).aggregate(
        t=Sum("total")
    )["t"] or Decimal("0")


def test_each_party_gets_its_exact_share_and_the_parts_add_up_to_the_fen(
    sw: SettlementWorld,
) -> None:
    w = sw.w
    # 1.01 yuan by 60/25/15 → 0.61 / 0.25 / 0.15; the staff 0.25 among two → 0.13 / 0.12.
    sw.order("1.01", staff=[w.tech_a, w.tech_b])
    sw.order("333.33", staff=[w.tech_b], voucher="100.00")
    result = settle_month(actor=None, month=MARCH)
    assert result.created and result.run.orders == 2
    t = totals(result.run)
    assert t[(PartyKind.OWNER, str(w.personas.institution))] == Decimal("200.61")  # 0.61+200.00
    # 333.33 × 25 % = 83.3325 → 83.33 (largest remainder gives the leftover fen elsewhere)
    assert t[(PartyKind.STAFF, str(w.tech_a))] == Decimal("0.13")
    assert t[(PartyKind.STAFF, str(w.tech_b))] == Decimal("0.12") + Decimal("83.33")
    assert t[(PartyKind.AGENCY, str(w.agency))] == Decimal("0.15") + Decimal("50.00")
    assert t[(PartyKind.PROGRAMME, str(sw.programme))] == Decimal("100.00")
    assert income_sum(result.run) == Decimal("334.34") == result.run.total
    assert result.run.voucher_total == Decimal("100.00")
    for order in ServiceOrder.objects.all():
        lines = StatementLine.objects.filter(order=order).exclude(
            statement__party_kind=PartyKind.PROGRAMME
        )
        assert lines.aggregate(t=Sum("amount"))["t"] == order.amount
        assert order.status == OrderStatus.SETTLED
        assert order.settlement_month == MARCH and order.settled_at is not None


def test_staff_part_falls_back_to_agreement_staff_then_to_the_agency(sw: SettlementWorld) -> None:
    w = sw.w
    sw.order("100.00", staff=None)  # no usage staff → agreement staff tech_a, tech_b
    lonely = SharingAgreement.objects.create(
        owner=w.personas.institution,
        agency=w.agency,
        owner_share_bp=6000,
        staff_share_bp=2500,
        agency_share_bp=1500,
        valid_from=dt.date(2026, 1, 1),
    )
    sw.order("10.00", staff=None, agreement=lonely)  # no staff at all → agency gets 25 %
    result = settle_month(actor=None, month=MARCH)
    t = totals(result.run)
    assert t[(PartyKind.STAFF, str(w.tech_a))] == Decimal("12.50")
    assert t[(PartyKind.STAFF, str(w.tech_b))] == Decimal("12.50")
    assert t[(PartyKind.AGENCY, str(w.agency))] == Decimal("15.00") + Decimal("4.00")
    agency_line = StatementLine.objects.get(
        order__agreement=lonely, statement__party_kind=PartyKind.AGENCY
    )
    assert agency_line.share_bp == 4000 and agency_line.amount == Decimal("4.00")
    assert income_sum(result.run) == Decimal("110.00")


def test_second_run_issues_nothing_new(sw: SettlementWorld) -> None:
    sw.order("50.00", staff=[sw.w.tech_a])
    first = settle_month(actor=None, month=MARCH)
    counts = (Statement.objects.count(), StatementLine.objects.count(), OrderEvent.objects.count())
    sw.order("70.00", day=dt.date(2026, 3, 20), staff=[sw.w.tech_a])  # confirmed too late
    second = settle_month(actor=None, month=dt.date(2026, 3, 31))
    assert not second.created and second.run.pk == first.run.pk
    assert second.statements == first.statements
    assert (
        Statement.objects.count(),
        StatementLine.objects.count(),
        OrderEvent.objects.count(),
    ) == counts


def test_late_confirmations_roll_into_the_next_run_and_later_months_wait(
    sw: SettlementWorld,
) -> None:
    feb = sw.order("10.00", day=dt.date(2026, 2, 27), status=OrderStatus.PRICED)
    march = sw.order("20.00", day=dt.date(2026, 3, 31))
    april = sw.order("40.00", day=dt.date(2026, 4, 1))
    settle_month(actor=None, month=dt.date(2026, 2, 1))  # feb not confirmed yet: nothing
    ServiceOrder.objects.filter(pk=feb.pk).update(
        status=OrderStatus.CONFIRMED, confirmed_at=timezone.now()
    )
    run = settle_month(actor=None, month=MARCH).run
    assert set(
        StatementLine.objects.filter(statement__run=run).values_list("order", flat=True)
    ) == {
        feb.pk,
        march.pk,
    }
    april.refresh_from_db()
    assert april.status == OrderStatus.CONFIRMED and run.total == Decimal("30.00")


def test_current_month_and_earlier_months_after_a_later_run_are_refused(
    sw: SettlementWorld,
) -> None:
    with pytest.raises(ValidationError):
        settle_month(actor=None, month=timezone.localdate())
    settle_month(actor=None, month=APRIL)
    with pytest.raises(TransitionError):
        settle_month(actor=None, month=MARCH)


def test_only_bureau_staff_and_the_system_settle(sw: SettlementWorld) -> None:
    p = sw.w.personas
    for user in (p.owner, p.researcher, sw.w.agency_member, p.system_admin):
        with pytest.raises(PermissionDenied):
            settle_month(actor=user, month=MARCH)
    assert settle_month(actor=p.staff, month=MARCH).run.run_by == p.staff


def test_issued_statements_and_lines_cannot_change(sw: SettlementWorld) -> None:
    sw.order("99.99", staff=[sw.w.tech_a])
    run = settle_month(actor=None, month=MARCH).run
    statement = Statement.objects.filter(run=run).first()
    line = StatementLine.objects.first()
    assert statement is not None and line is not None
    statement.total = Decimal("1.00")
    with pytest.raises(IssuedStatementError):
        statement.save()
    with pytest.raises(IssuedStatementError):
        statement.delete()
    with pytest.raises(IssuedStatementError):
        Statement.objects.filter(pk=statement.pk).update(total=Decimal("1.00"))
    with pytest.raises(IssuedStatementError):
        Statement.objects.all().delete()
    line.amount = Decimal("0.01")
    with pytest.raises(IssuedStatementError):
        line.save()
    with pytest.raises(IssuedStatementError):
        StatementLine.objects.filter(pk=line.pk).update(amount=Decimal("0.01"))
    with pytest.raises(IssuedStatementError):
        StatementLine.objects.bulk_update([line], ["amount"])
    with pytest.raises(IssuedStatementError):
        line.delete()
    assert income_sum(run) == Decimal("99.99")
    assert StatementLine.objects.get(pk=line.pk).amount != Decimal("0.01")


def test_a_refund_after_issue_appears_as_adjustment_lines_next_month(sw: SettlementWorld) -> None:
    w = sw.w
    order = sw.order("101.01", staff=[w.tech_a, w.tech_b], voucher="50.00")
    march = settle_month(actor=None, month=MARCH).run
    before = totals(march)
    adjustment = settlement_adjustment_record(
        actor=w.agency_member,
        order=order,
        amount="-101.01",
        voucher_amount="-50.00",
        reason="客户取消，全额退款",
    )
    assert adjustment.run is None
    april = settle_month(actor=None, month=APRIL).run
    assert totals(march) == before  # nothing issued changed
    lines = StatementLine.objects.filter(statement__run=april)
    assert set(lines.values_list("kind", flat=True)) == {LineKind.ADJUSTMENT}
    after = totals(april)
    # A full refund is the exact negation of each party's March part.
    assert after == {k: -v for k, v in before.items()}
    assert april.adjustments == 1 and april.adjustment_total == Decimal("-101.01")
    adjustment.refresh_from_db()
    assert adjustment.run == april
    assert set(lines.values_list("note", flat=True)) == {"客户取消，全额退款"}
    assert OrderEvent.objects.filter(order=order, data__adjustment=adjustment.pk).count() == 2
    # Applied once: May has nothing to carry.
    may = settle_month(actor=None, month=dt.date(2026, 5, 1)).run
    assert not Statement.objects.filter(run=may).exists()


def test_adjustments_are_checked(sw: SettlementWorld) -> None:
    w = sw.w
    open_order = sw.order("10.00")
    with pytest.raises(TransitionError):
        settlement_adjustment_record(
            actor=w.personas.staff, order=open_order, amount="-1.00", reason="x"
        )
    settle_month(actor=None, month=MARCH)
    open_order.refresh_from_db()
    for kwargs, field in (
        ({"amount": "-10.01", "reason": "退款"}, "amount"),
        ({"amount": "-1.00", "reason": " "}, "reason"),
        ({"amount": "0", "reason": "无"}, "amount"),
        ({"amount": "1e3", "reason": "x"}, "amount"),
        ({"amount": "-1.001", "reason": "x"}, "amount"),
        ({"amount": "0", "voucher_amount": "-1.00", "reason": "x"}, "voucher_amount"),
    ):
        with pytest.raises(ValidationError) as exc:
            settlement_adjustment_record(actor=w.personas.staff, order=open_order, **kwargs)
        assert field in exc.value.message_dict, kwargs
    for user in (w.personas.owner, w.personas.researcher, w.tech_a):
        with pytest.raises(PermissionDenied):
            settlement_adjustment_record(actor=user, order=open_order, amount="-1", reason="x")
    assert not SettlementAdjustment.objects.exists()


def test_every_settled_order_has_an_event_and_an_audit_row(sw: SettlementWorld) -> None:
    orders = [sw.order("12.34", staff=[sw.w.tech_a]) for _ in range(3)]
    result = settle_month(actor=sw.w.personas.staff, month=MARCH)
    for order in orders:
        event = OrderEvent.objects.get(order=order, kind="settled")
        assert (event.from_state, event.to_state, event.actor) == (
            "confirmed",
            "settled",
            sw.w.personas.staff,
        )
        assert event.data == {"month": "2026-03", "run": result.run.pk}
        audit = AuditEvent.objects.get(
            object_type="sharing.serviceorder", object_id=str(order.pk), event="transition"
        )
        assert audit.object_repr == order.number and audit.actor == sw.w.personas.staff
        assert audit.detail == {"from": "confirmed", "to": "settled", "run": result.run.pk}
        assert audit.result == "success"
    assert (
        AuditEvent.objects.filter(object_type="sharing.statement", event="create").count()
        == result.statements
    )
    assert AuditEvent.objects.filter(object_type="sharing.settlementrun").count() == 1


def test_a_crash_mid_run_leaves_nothing_half_issued(
    sw: SettlementWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    sw.order("10.00", staff=[sw.w.tech_a])

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(services, "_write_history", boom)
    with pytest.raises(RuntimeError):
        settle_month(actor=None, month=MARCH)
    assert not SettlementRun.objects.exists()
    assert not Statement.objects.exists() and not StatementLine.objects.exists()
    assert ServiceOrder.objects.get().status == OrderStatus.CONFIRMED
    monkeypatch.undo()
    assert settle_month(actor=None, month=MARCH).created


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=10**9),  # fen
            st.integers(min_value=0, max_value=2),  # how many usage staff
            st.integers(min_value=0, max_value=100),  # voucher share in %
        ),
        min_size=1,
        max_size=8,
    ),
    ratio=st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)).map(sorted),
)
def test_property_statement_totals_equal_the_orders_to_the_fen(
    sw: SettlementWorld, data: list[tuple[int, int, int]], ratio: list[int]
) -> None:
    w = sw.w
    owner_bp, staff_bp, agency_bp = ratio[0], ratio[1] - ratio[0], 10_000 - ratio[1]
    with transaction.atomic():
        agreement = SharingAgreement.objects.create(
            owner=w.personas.institution,
            agency=w.agency,
            owner_share_bp=owner_bp,
            staff_share_bp=staff_bp,
            agency_share_bp=agency_bp,
            valid_from=dt.date(2025, 1, 1),
        )
        expected = Decimal(0)
        vouchers = Decimal(0)
        for fen, staff_count, voucher_pct in data:
            amount = Decimal(fen) / 100
            voucher = (Decimal(fen * voucher_pct // 100) / 100) if voucher_pct else None
            sw.order(
                f"{amount:.2f}",
                staff=[w.tech_a, w.tech_b][:staff_count] or None,
                voucher=f"{voucher:.2f}" if voucher else None,
                agreement=agreement,
            )
            expected += amount
            vouchers += voucher or 0
        run = settle_month(actor=None, month=MARCH).run
        assert income_sum(run) == expected == run.total
        programme = Statement.objects.filter(run=run, party_kind=PartyKind.PROGRAMME)
        assert (programme.aggregate(t=Sum("total"))["t"] or 0) == vouchers
        for statement in Statement.objects.filter(run=run):
            assert statement.total == statement.lines.aggregate(t=Sum("amount"))["t"]
            assert statement.lines_count == statement.lines.count()
        for order in ServiceOrder.objects.filter(agreement=agreement):
            parts = StatementLine.objects.filter(order=order).exclude(
                statement__party_kind=PartyKind.PROGRAMME
            )
            assert parts.aggregate(t=Sum("amount"))["t"] == order.amount
            fen = int(order.amount * 100)
            for line in parts:
                exact = Decimal(fen * line.share_bp) / 10_000 / line.split_among
                # each part within one fen of its exact share (two roundings for staff)
                assert abs(line.amount * 100 - exact) < (2 if line.split_among > 1 else 1)
        transaction.set_rollback(True)
