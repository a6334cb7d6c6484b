"""Contract statistics: every total and group equals the exact Decimal sum computed here,
on SQLite and PostgreSQL; amendments and cancellations show at once."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from techbridge.codes.choices import ContractType, TechField
from techbridge.codes.services import load_code_lists
from techbridge.contracts.models import ContractStatus, TechnologyContract
from techbridge.stats.selectors import (
    GROUP_KEYS,
    StatsFilter,
    contract_statistics,
    region_group_length,
)

pytestmark = pytest.mark.django_db

REGIONS = ["110108", "110105", "520100", "520102", "520115", "310101", "500101"]
TYPES = ["021", "022", "110", "170", ""]
FILTER_REGIONS = ["", "110000", "520000", "520100", "520102"]


@pytest.fixture
def codes(db: None) -> None:
    load_code_lists()


contract_strategy = st.tuples(
    st.dates(min_value=dt.date(2012, 1, 1), max_value=dt.date(2025, 12, 31)),
    st.sampled_from(ContractType.values),
    st.sampled_from(TechField.values),
    st.sampled_from(REGIONS),
    st.sampled_from(REGIONS),
    st.sampled_from(TYPES),
    st.sampled_from(TYPES),
    st.integers(min_value=1, max_value=10**13),  # fen, up to 100 billion yuan
    st.floats(min_value=0, max_value=1),
    st.sampled_from(["registered"] * 4 + ["cancelled", "submitted"]),
)


def _insert(rows: list[tuple]) -> list[TechnologyContract]:
    # Raw delete: these rows have no events, and other apps may point at contracts.
    TechnologyContract.objects.all()._raw_delete(TechnologyContract.objects.db)
    objects = []
    for i, (day, kind, field, seller, buyer, st_, bt, fen, ratio, status) in enumerate(rows):
        tech_fen = max(1, int(fen * ratio))
        objects.append(
            TechnologyContract(
                registration_number=f"T{i}" if status != "submitted" else None,
                name=f"c{i}",
                contract_type=kind,
                ip_type="other",
                technical_field=field,
                seller_name="s",
                seller_region=seller,
                seller_type=st_,
                buyer_name="b",
                buyer_region=buyer,
                buyer_type=bt,
                signed_on=day,
                signed_month=day.year * 100 + day.month,
                contract_amount=Decimal(fen) / 100,
                technology_amount=Decimal(tech_fen) / 100,
                status=status,
            )
        )
    return TechnologyContract.objects.bulk_create(objects)


def _key(contract: TechnologyContract, key: str, filters: StatsFilter):
    if key == "field":
        return contract.technical_field
    if key == "type":
        return contract.contract_type
    if key in ("seller_type", "buyer_type"):
        return getattr(contract, key)
    if key in ("seller_region", "buyer_region"):
        length = region_group_length(getattr(filters, key))
        return getattr(contract, key)[:length].ljust(6, "0")
    day = contract.signed_on
    if key == "month":
        return day.year * 100 + day.month
    if key == "quarter":
        return day.year * 10 + (day.month + 2) // 3
    return day.year


def _matches(contract: TechnologyContract, filters: StatsFilter) -> bool:
    if contract.status != ContractStatus.REGISTERED:
        return False
    if filters.date_from and contract.signed_on < filters.date_from:
        return False
    if filters.date_to and contract.signed_on > filters.date_to:
        return False
    for side in ("seller", "buyer"):
        code = getattr(filters, f"{side}_region")
        if code:
            prefix = (
                code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
            )
            if not getattr(contract, f"{side}_region").startswith(prefix):
                return False
    return True


GROUPINGS = [[k] for k in GROUP_KEYS] + [
    ["field", "year"],
    ["seller_region", "buyer_region"],
    ["type", "quarter"],
    ["month", "buyer_type"],
]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(contract_strategy, min_size=0, max_size=40),
    seller=st.sampled_from(FILTER_REGIONS),
    buyer=st.sampled_from(FILTER_REGIONS),
    start=st.one_of(st.none(), st.dates(dt.date(2012, 1, 1), dt.date(2025, 12, 31))),
    days=st.integers(0, 3000),
)
def test_every_group_and_total_is_the_exact_decimal_sum(codes, rows, seller, buyer, start, days):
    contracts = _insert(rows)
    end = start + dt.timedelta(days=days) if start else None
    filters = StatsFilter(date_from=start, date_to=end, seller_region=seller, buyer_region=buyer)
    chosen = [c for c in contracts if _matches(c, filters)]
    total_amount = sum((c.contract_amount for c in chosen), Decimal("0.00"))
    for keys in GROUPINGS:
        expected: dict[tuple, list] = defaultdict(lambda: [0, Decimal("0.00"), Decimal("0.00")])
        for c in chosen:
            bucket = expected[tuple(_key(c, k, filters) for k in keys)]
            bucket[0] += 1
            bucket[1] += c.contract_amount
            bucket[2] += c.technology_amount
        stats = contract_statistics(group_by=keys, filters=filters)
        got = {
            tuple(r.keys[k] for k in keys): [r.count, r.contract_amount, r.technology_amount]
            for r in stats.rows
        }
        assert got == dict(expected), keys
        assert stats.count == len(chosen)
        assert stats.contract_amount == total_amount
        assert stats.technology_amount == sum(
            (c.technology_amount for c in chosen), Decimal("0.00")
        )
        if total_amount:
            shares = sum(r.share for r in stats.rows)
            assert abs(shares - 100) <= Decimal("0.01") * len(stats.rows)


def _contract(i: int, day: dt.date, amount: str, **extra) -> TechnologyContract:
    values = {
        "registration_number": f"N{i}",
        "name": f"c{i}",
        "contract_type": "development",
        "technical_field": "electronic_information",
        "seller_name": "s",
        "seller_region": "110108",
        "buyer_name": "b",
        "buyer_region": "520100",
        "signed_on": day,
        "signed_month": day.year * 100 + day.month,
        "contract_amount": Decimal(amount),
        "technology_amount": Decimal(amount),
        "status": "registered",
    }
    values.update(extra)
    return TechnologyContract.objects.create(**values)


def test_year_on_year_growth_by_period(codes):
    _contract(1, dt.date(2013, 3, 1), "100.00")
    _contract(2, dt.date(2014, 3, 9), "150.00")
    _contract(3, dt.date(2014, 4, 9), "10.00")
    stats = contract_statistics(
        group_by=["month"],
        filters=StatsFilter(date_from=dt.date(2014, 1, 1), date_to=dt.date(2014, 12, 31)),
    )
    assert [(r.labels["month"], r.growth) for r in stats.rows] == [
        ("2014-03", Decimal("50.00")),
        ("2014-04", None),
    ]
    years = contract_statistics(group_by=["year"], filters=StatsFilter())
    assert [(r.keys["year"], r.growth) for r in years.rows] == [
        (2013, None),
        (2014, Decimal("60.00")),
    ]
    quarters = contract_statistics(group_by=["quarter"], filters=StatsFilter())
    assert [r.labels["quarter"] for r in quarters.rows] == ["2013Q1", "2014Q1", "2014Q2"]


def test_region_prefix_filter_and_drill_down(codes):
    _contract(1, dt.date(2014, 3, 1), "1.00", buyer_region="520102")
    _contract(2, dt.date(2014, 3, 1), "2.00", buyer_region="520115")
    _contract(3, dt.date(2014, 3, 1), "4.00", buyer_region="522301")
    _contract(4, dt.date(2014, 3, 1), "8.00", buyer_region="510100")
    guizhou = contract_statistics(
        group_by=["buyer_region"], filters=StatsFilter(buyer_region="520000")
    )
    assert guizhou.contract_amount == Decimal("7.00")
    assert {r.keys["buyer_region"]: r.contract_amount for r in guizhou.rows} == {
        "520100": Decimal("3.00"),
        "522300": Decimal("4.00"),
    }
    everywhere = contract_statistics(group_by=["buyer_region"], filters=StatsFilter())
    assert {r.labels["buyer_region"] for r in everywhere.rows} == {"贵州省", "四川省"}


def test_statistics_follow_registration_amendment_and_cancellation(personas, codes):
    from techbridge.contracts import services
    from techbridge.contracts.tests.conftest import contract_data

    contract = services.contract_create(actor=personas.owner, **contract_data(personas))
    services.contract_submit(actor=personas.owner, contract=contract)
    by_field = lambda: contract_statistics(group_by=["field"], filters=StatsFilter())  # noqa: E731
    assert by_field().count == 0
    services.contract_certify_and_register(actor=personas.staff, contract=contract)
    assert by_field().contract_amount == Decimal("1000000.00")
    services.contract_amend(
        actor=personas.staff,
        contract=contract,
        reason="更正",
        contract_amount="1234567.89",
        technical_field="biomedicine",
    )
    stats = by_field()
    assert [(r.keys["field"], r.contract_amount) for r in stats.rows] == [
        ("biomedicine", Decimal("1234567.89"))
    ]
    services.contract_cancel(actor=personas.staff, contract=contract, reason="撤销")
    assert by_field().count == 0


def test_two_key_groupings_cover_all_pairs(codes):
    for i, (a, b) in enumerate(itertools.product(["development", "service"], [2013, 2014])):
        _contract(i, dt.date(b, 5, 1), "3.33", contract_type=a)
    stats = contract_statistics(group_by=["type", "year"], filters=StatsFilter())
    assert len(stats.rows) == 4
    assert stats.contract_amount == Decimal("13.32")
