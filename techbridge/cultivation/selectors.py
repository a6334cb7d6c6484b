"""Reads of the cultivation app: who sees which tier records and figures, the register,
the self-check of a year's figures, the platform records that count as evidence, and the
cohort statistics (tiers per region and year, movements up the ladder, and the share of
movers that used the platform's services before)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from techbridge.accounts.roles import Role
from techbridge.brokerage.models import Deal, EventInvitation, EventStatus, Participant
from techbridge.catalogue import selectors as catalogue_selectors
from techbridge.contracts import selectors as contract_selectors
from techbridge.core.actors import is_active_user
from techbridge.core.money import to_fen
from techbridge.cultivation import selfcheck
from techbridge.cultivation import thresholds as t
from techbridge.cultivation.models import EnterpriseFigures, Tier, TierRecord
from techbridge.organisations.models import Organisation, OrganisationKind
from techbridge.programmes import selectors as programme_selectors
from techbridge.sharing.models import OrderStatus, ServiceOrder


def is_bureau_staff(user: Any) -> bool:
    return is_active_user(user) and user.role == Role.BUREAU_STAFF


def is_member_of(user: Any, organisation: Organisation) -> bool:
    return (
        is_active_user(user)
        and user.role == Role.ENTERPRISE_MEMBER
        and user.organisation_id == organisation.pk
    )


def enterprises_visible_to(user: Any) -> QuerySet[Organisation]:
    """Enterprises whose tiers and figures ``user`` may see: all for bureau staff, one's
    own for its members, none for anyone else."""
    qs = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE)
    if is_bureau_staff(user):
        return qs
    if is_active_user(user) and user.role == Role.ENTERPRISE_MEMBER and user.organisation_id:
        return qs.filter(pk=user.organisation_id)
    return qs.none()


def records_visible_to(user: Any) -> QuerySet[TierRecord]:
    return TierRecord.objects.filter(organisation__in=enterprises_visible_to(user)).select_related(
        "organisation", "recorded_by", "revoked_by"
    )


def figures_visible_to(user: Any) -> QuerySet[EnterpriseFigures]:
    return EnterpriseFigures.objects.filter(organisation__in=enterprises_visible_to(user))


def _valid_on(day: dt.date) -> Q:
    return (
        Q(obtained_on__lte=day)
        & (Q(expires_on__isnull=True) | Q(expires_on__gte=day))
        & (Q(revoked_at__isnull=True) | Q(revoked_at__date__gt=day))
    )


def valid_tiers(organisation: Organisation, day: dt.date) -> set[str]:
    return set(
        TierRecord.objects.filter(_valid_on(day), organisation=organisation).values_list(
            "tier", flat=True
        )
    )


# --- the register --------------------------------------------------------------------------

SORTS: dict[str, tuple[str, ...]] = {
    "new": ("-obtained_on", "-id"),
    "old": ("obtained_on", "id"),
    "expiry": ("expires_on", "id"),
    "name": ("organisation__name", "id"),
}


def register_list(
    user: Any,
    *,
    q: str = "",
    tier: str = "",
    status: str = "",
    region: str = "",
    year: int | None = None,
    sort: str = "new",
    today: dt.date | None = None,
) -> QuerySet[TierRecord]:
    """The tier records ``user`` may see, filtered; ``region`` is a code prefix."""
    today = today or dt.date.today()
    qs = records_visible_to(user)
    if q:
        qs = qs.filter(Q(organisation__name__icontains=q) | Q(certificate_number__icontains=q))
    if tier in Tier.values:
        qs = qs.filter(tier=tier)
    if status == "revoked":
        qs = qs.filter(revoked_at__isnull=False)
    elif status == "expired":
        qs = qs.filter(revoked_at__isnull=True, expires_on__lt=today)
    elif status == "valid":
        qs = qs.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today), revoked_at=None)
    if region:
        qs = qs.filter(organisation__region_code__startswith=region)
    if year:
        qs = qs.filter(obtained_on__year=year)
    return qs.order_by(*SORTS.get(sort, SORTS["new"]))


# --- the self-check --------------------------------------------------------------------------


def _fen(value: Decimal | None) -> int | None:
    return None if value is None else to_fen(value)


def check_input(
    figures: EnterpriseFigures | dict[str, Any], *, holds_high_tech: bool
) -> selfcheck.Figures:
    """The self-check's input from saved figures (or a dict of the same, amounts in
    yuan as Decimal)."""
    get = figures.get if isinstance(figures, dict) else lambda name: getattr(figures, name)
    return selfcheck.Figures(
        year=int(get("year") or 0),
        staff=get("staff"),
        st_staff=get("st_staff"),
        rd_staff=get("rd_staff"),
        total_revenue=_fen(get("total_revenue")),
        main_revenue=_fen(get("main_revenue")),
        sales_revenue=_fen(get("sales_revenue")),
        total_assets=_fen(get("total_assets")),
        total_cost=_fen(get("total_cost")),
        rd_total=_fen(get("rd_total")),
        rd_in_china=_fen(get("rd_in_china")),
        hightech_revenue=_fen(get("hightech_revenue")),
        equity_financing_2y=_fen(get("equity_financing_2y")),
        registered_on=get("registered_on"),
        niche_years=get("niche_years"),
        ip_class_1=get("ip_class_1") or 0,
        ip_class_2=get("ip_class_2") or 0,
        holds_high_tech=holds_high_tech,
        national_award=bool(get("national_award")),
        provincial_rd_centre=bool(get("provincial_rd_centre")),
        led_standard=bool(get("led_standard")),
    )


def self_check(
    organisation: Organisation,
    figures: EnterpriseFigures | dict[str, Any],
    *,
    as_of: dt.date | None = None,
) -> list[selfcheck.TierCheck]:
    """Every tier checked against ``figures``; a valid 高企 record on the platform counts
    for the 科技型中小企业 direct pass."""
    as_of = as_of or dt.date.today()
    holds = t.HIGH_TECH in valid_tiers(organisation, as_of)
    return selfcheck.check(check_input(figures, holds_high_tech=holds), as_of=as_of)


@dataclass
class Evidence:
    contracts: list[Any] = field(default_factory=list)
    achievements: list[Any] = field(default_factory=list)
    orders: list[Any] = field(default_factory=list)


def evidence(organisation: Organisation, *, limit: int = 20) -> Evidence:
    """The platform's records that support a tier application (read-only): registered
    technology contracts the enterprise is a party to, its published achievements and
    its sharing orders paid in part by innovation vouchers."""
    contracts = (
        contract_selectors.registered_contracts()
        .filter(Q(seller_organisation=organisation) | Q(buyer_organisation=organisation))
        .order_by("-signed_on", "-id")[:limit]
    )
    achievements = (
        catalogue_selectors.public_queryset("achievement")
        .filter(owner=organisation)
        .order_by("-published_at", "-id")[:limit]
    )
    orders = (
        ServiceOrder.objects.filter(
            customer=organisation,
            voucher_amount__gt=0,
            status__in=[OrderStatus.CONFIRMED, OrderStatus.SETTLED],
        )
        .select_related("resource")
        .order_by("-service_date", "-id")[:limit]
    )
    return Evidence(list(contracts), list(achievements), list(orders))


# --- cohorts ---------------------------------------------------------------------------------


def _held_in_year(year: int) -> Q:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (
        Q(obtained_on__lte=end)
        & (Q(expires_on__isnull=True) | Q(expires_on__gte=start))
        & (Q(revoked_at__isnull=True) | Q(revoked_at__date__gte=start))
    )


@dataclass(frozen=True)
class CohortRow:
    region_code: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def cohort_by_region(year: int, *, region: str = "") -> list[CohortRow]:
    """Enterprises holding each tier at some time in ``year``, per county/district
    (the enterprise's region code), largest first."""
    qs = TierRecord.objects.filter(_held_in_year(year))
    if region:
        qs = qs.filter(organisation__region_code__startswith=region)
    pairs = set(qs.values_list("organisation__region_code", "tier", "organisation_id"))
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for code, tier, _org in pairs:
        table[code or ""][tier] += 1
    rows = [CohortRow(code, {tier: c[tier] for tier in t.TIERS}) for code, c in table.items()]
    return sorted(rows, key=lambda r: (-r.total, r.region_code))


@dataclass(frozen=True)
class ProgrammeRow:
    name: str  # the programme's name; "" for regions outside every programme
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def cohort_by_programme(rows: list[CohortRow]) -> list[ProgrammeRow]:
    """The per-region rows summed per cooperation programme (the programme a region
    belongs to: programmes.selectors.programme_of_region)."""
    table: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, str] = {}
    for row in rows:
        programme = programme_selectors.programme_of_region(row.region_code)
        key = "" if programme is None else str(programme.pk)
        names[key] = "" if programme is None else str(programme)
        table[key].update(row.counts)
    result = [
        ProgrammeRow(names[key], {tier: c[tier] for tier in t.TIERS}) for key, c in table.items()
    ]
    return sorted(result, key=lambda r: (r.name == "", -r.total, r.name))


@dataclass(frozen=True)
class Movement:
    organisation_id: int
    organisation_name: str
    region_code: str
    tier: str
    obtained_on: dt.date
    engaged: frozenset[str]  # "matchmaking", "deal", "sharing" — taken part before


def _is_move(tier: str, held_before: set[str]) -> bool:
    if tier in t.LADDER_RANK:
        best = max((t.LADDER_RANK[x] for x in held_before if x in t.LADDER_RANK), default=0)
        return t.LADDER_RANK[tier] > best
    return tier not in held_before


def movements(*, year: int | None = None, region: str = "") -> list[Movement]:
    """Moves up the ladder (a ladder tier above any held before) and first milestones
    (规上, 上市), each with the platform services the enterprise took part in before
    the date: matchmaking (registered for or invited to a meeting held earlier), a deal
    (brokerage) opened earlier, a sharing order served earlier."""
    qs = TierRecord.objects.filter(revoked_at__isnull=True).select_related("organisation")
    if region:
        qs = qs.filter(organisation__region_code__startswith=region)
    by_org: dict[int, list[TierRecord]] = defaultdict(list)
    for record in qs.order_by("organisation_id", "obtained_on", "id"):
        by_org[record.organisation_id].append(record)
    moves: list[TierRecord] = []
    for records in by_org.values():
        held: set[str] = set()
        for record in records:
            if _is_move(record.tier, held) and (year is None or record.obtained_on.year == year):
                moves.append(record)
            held.add(record.tier)
    if not moves:
        return []
    org_ids = {m.organisation_id for m in moves}
    first: dict[str, dict[int, dt.date]] = {"matchmaking": {}, "deal": {}, "sharing": {}}

    def keep(kind: str, org_id: int, day: dt.date | None) -> None:
        if day is not None and (org_id not in first[kind] or day < first[kind][org_id]):
            first[kind][org_id] = day

    # A draft meeting was never held: only published or closed ones count.
    was_held = ~Q(event__status=EventStatus.DRAFT)
    for org_id, held_on in Participant.objects.filter(
        was_held, organisation_id__in=org_ids
    ).values_list("organisation_id", "event__held_on"):
        keep("matchmaking", org_id, held_on)
    for org_id, held_on in EventInvitation.objects.filter(
        was_held, owner_id__in=org_ids
    ).values_list("owner_id", "event__held_on"):
        keep("matchmaking", org_id, held_on)
    for org_id, created in Deal.objects.filter(enterprise_id__in=org_ids).values_list(
        "enterprise_id", "created_at"
    ):
        keep("deal", org_id, created.date() if created else None)
    for org_id, served in (
        ServiceOrder.objects.filter(customer_id__in=org_ids)
        .exclude(status=OrderStatus.CANCELLED)
        .values_list("customer_id", "service_date")
    ):
        keep("sharing", org_id, served)
    result = []
    for m in sorted(moves, key=lambda r: (r.obtained_on, r.pk)):
        engaged = frozenset(
            kind
            for kind, days in first.items()
            if m.organisation_id in days and days[m.organisation_id] < m.obtained_on
        )
        result.append(
            Movement(
                m.organisation_id,
                m.organisation.name,
                m.organisation.region_code,
                m.tier,
                m.obtained_on,
                engaged,
            )
        )
    return result


@dataclass(frozen=True)
class YearMoves:
    year: int
    moves: int
    engaged: int
    by_kind: dict[str, int]

    @property
    def engaged_share(self) -> Decimal | None:
        return selfcheck.share(self.engaged, self.moves) if self.moves else None


def movements_per_year(*, region: str = "") -> list[YearMoves]:
    """Per year: moves up, how many of the movers took part in a platform service before
    (any of matchmaking, deals, sharing), and per service."""
    per: dict[int, list[Movement]] = defaultdict(list)
    for m in movements(region=region):
        per[m.obtained_on.year].append(m)
    rows = []
    for year in sorted(per):
        items = per[year]
        kinds = Counter(kind for m in items for kind in m.engaged)
        rows.append(
            YearMoves(
                year,
                len(items),
                sum(1 for m in items if m.engaged),
                {k: kinds[k] for k in ("matchmaking", "deal", "sharing")},
            )
        )
    return rows
