"""Reads for settlement: who sees which statement, statement lines, runs, adjustments.

Who sees what (deny by default):
- bureau staff: every statement, the voucher-programme ones included, and the runs;
- members of an organisation: its statements as resource owner and as operating agency;
- a service staff member: their own staff statements;
- everybody else: nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from techbridge.accounts.roles import MEMBER_ROLES, Role
from techbridge.core.actors import is_active_user
from techbridge.sharing.models.settlement import (
    LineKind,
    PartyKind,
    SettlementAdjustment,
    SettlementRun,
    Statement,
    StatementLine,
)


def is_bureau(user: Any) -> bool:
    return is_active_user(user) and user.role == Role.BUREAU_STAFF


def statements_visible_to(user: Any) -> QuerySet[Statement]:
    if not is_active_user(user):
        return Statement.objects.none()
    if user.role == Role.BUREAU_STAFF:
        return Statement.objects.all()
    visible = Q(party_kind=PartyKind.STAFF, user_id=user.pk)
    if user.role in MEMBER_ROLES and user.organisation_id is not None:
        visible |= Q(
            party_kind__in=[PartyKind.OWNER, PartyKind.AGENCY],
            organisation_id=user.organisation_id,
        )
    return Statement.objects.filter(visible)


def statement_list(
    *, user: Any, month: dt.date | None = None, party_kind: str = ""
) -> QuerySet[Statement]:
    qs = statements_visible_to(user).select_related("run", "organisation", "user", "programme")
    if month is not None:
        qs = qs.filter(run__month=month)
    if party_kind:
        qs = qs.filter(party_kind=party_kind)
    return qs.order_by("-run__month", "party_kind", "number")


def statement_lines(statement: Statement) -> QuerySet[StatementLine]:
    return (
        StatementLine.objects.filter(statement=statement)
        .select_related("order", "order__resource", "order__customer")
        .order_by("kind", "order__service_date", "order__number", "id")
    )


@dataclass(frozen=True)
class StatementSummary:
    regular: Decimal
    regular_lines: int
    adjustments: Decimal
    adjustment_lines: int
    orders_amount: Decimal  # the income of the orders settled (regular lines)


def statement_summary(statement: Statement) -> StatementSummary:
    rows: dict[str, dict[str, Any]] = {
        r["kind"]: dict(r)
        for r in StatementLine.objects.filter(statement=statement)
        .values("kind")
        .annotate(total=Sum("amount"), n=Count("id"), base=Sum("order_amount"))
        .order_by()
    }
    regular = rows.get(LineKind.REGULAR, {})
    adjustment = rows.get(LineKind.ADJUSTMENT, {})
    return StatementSummary(
        regular=regular.get("total") or Decimal("0.00"),
        regular_lines=regular.get("n", 0),
        adjustments=adjustment.get("total") or Decimal("0.00"),
        adjustment_lines=adjustment.get("n", 0),
        orders_amount=regular.get("base") or Decimal("0.00"),
    )


def party_label(statement: Statement) -> str:
    party = statement.party
    return "" if party is None else str(party)


def runs_visible_to(user: Any) -> QuerySet[SettlementRun]:
    if not is_bureau(user):
        return SettlementRun.objects.none()
    return SettlementRun.objects.annotate(statement_count=Count("statements")).order_by("-month")


def adjustments_visible_to(user: Any) -> QuerySet[SettlementAdjustment]:
    """Bureau staff see every adjustment; agency members those of orders it operates."""
    qs = SettlementAdjustment.objects.select_related("order", "run", "recorded_by")
    if is_bureau(user):
        return qs
    if is_active_user(user) and user.role in MEMBER_ROLES and user.organisation_id is not None:
        return qs.filter(order__agreement__agency_id=user.organisation_id)
    return qs.none()


def pending_adjustments(user: Any) -> QuerySet[SettlementAdjustment]:
    return adjustments_visible_to(user).filter(run__isnull=True)


def run_party_totals(run: SettlementRun) -> dict[str, Decimal]:
    """Statement totals of a run by party kind (owner + staff + agency = the orders'
    income plus adjustments; programme = the voucher parts)."""
    totals = {kind.value: Decimal("0.00") for kind in PartyKind}
    for row in (
        Statement.objects.filter(run=run).values("party_kind").annotate(t=Sum("total")).order_by()
    ):
        totals[row["party_kind"]] = row["t"] or Decimal("0.00")
    return totals
