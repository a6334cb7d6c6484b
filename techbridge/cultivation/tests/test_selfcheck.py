"""Edge tests of every threshold: exactly at it, one fen / one person / 0.01 % below and
above. Plain Python: no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from techbridge.cultivation import selfcheck as sc
from techbridge.cultivation import thresholds as t

YUAN = 100
WAN = 10_000 * YUAN
AS_OF = date(2026, 6, 30)


def _crit(check: sc.TierCheck, key: str) -> sc.Criterion:
    return next(c for c in check.criteria if c.key == key)


# A 高企 that meets everything, to move one figure at a time.
GOOD = sc.Figures(
    year=2025,
    staff=100,
    st_staff=20,
    rd_staff=10,
    total_revenue=40_000_000 * YUAN,
    main_revenue=36_000_000 * YUAN,
    sales_revenue=40_000_000 * YUAN,
    total_assets=60_000_000 * YUAN,
    total_cost=30_000_000 * YUAN,
    rd_total=2_400_000 * YUAN,
    rd_in_china=2_400_000 * YUAN,
    hightech_revenue=30_000_000 * YUAN,
    registered_on=date(2020, 3, 1),
    niche_years=4,
    ip_class_1=2,
    ip_class_2=3,
)


def test_good_figures_meet_high_tech() -> None:
    assert sc.check_high_tech(GOOD, AS_OF).met is True


# --- 高新技术企业: R&D band by sales (≤ 5,000万 含 → 5 %, ≤ 2亿 含 → 4 %, above → 3 %) -----


@pytest.mark.parametrize(
    ("sales", "band", "pct"),
    [
        (50_000_000 * YUAN - 1, "small", Decimal(5)),
        (50_000_000 * YUAN, "small", Decimal(5)),
        (50_000_000 * YUAN + 1, "middle", Decimal(4)),
        (200_000_000 * YUAN, "middle", Decimal(4)),
        (200_000_000 * YUAN + 1, "large", Decimal(3)),
    ],
)
def test_high_tech_rd_band_edges(sales: int, band: str, pct: Decimal) -> None:
    name, key = sc.high_tech_band(sales)
    assert (name, t.value(key)) == (band, pct)


@pytest.mark.parametrize(
    ("rd", "met"),
    [(2_500_000 * YUAN - 1, False), (2_500_000 * YUAN, True), (2_500_000 * YUAN + 1, True)],
)
def test_high_tech_rd_share_at_5_percent_of_50_million(rd: int, met: bool) -> None:
    f = replace(GOOD, sales_revenue=50_000_000 * YUAN, rd_total=rd, rd_in_china=rd)
    c = _crit(sc.check_high_tech(f, AS_OF), "rd_share")
    assert (c.band, c.required, c.met) == ("small", Decimal(5), met)


def test_high_tech_one_fen_above_50_million_needs_only_4_percent() -> None:
    sales = 50_000_000 * YUAN + 1
    needed = -(-sales * 4 // 100)  # ceil: 2,000,000.01 yuan after rounding up to the fen
    f = replace(GOOD, sales_revenue=sales, rd_total=needed, rd_in_china=needed)
    c = _crit(sc.check_high_tech(f, AS_OF), "rd_share")
    assert (c.band, c.met) == ("middle", True)
    f = replace(f, rd_total=needed - 1, rd_in_china=needed - 1)
    c = _crit(sc.check_high_tech(f, AS_OF), "rd_share")
    assert (c.met, c.gap_fen) == (False, 1)


def test_high_tech_gap_says_points_and_money() -> None:
    # 1亿 sales: the 4 % band; R&D 3.2 % misses by 0.8 points, that is 80万 yuan.
    f = replace(GOOD, sales_revenue=100_000_000 * YUAN, rd_total=3_200_000 * YUAN)
    c = _crit(sc.check_high_tech(f, AS_OF), "rd_share")
    assert (c.met, c.actual, c.required, c.gap) == (False, Decimal("3.20"), 4, Decimal("0.80"))
    assert c.gap_fen == 800_000 * YUAN


@pytest.mark.parametrize(("st", "met"), [(9, False), (10, True), (11, True)])
def test_high_tech_st_staff_exactly_10_percent(st: int, met: bool) -> None:
    c = _crit(sc.check_high_tech(replace(GOOD, staff=100, st_staff=st), AS_OF), "st_staff_share")
    assert c.met is met
    assert c.gap_people == (None if met else 1)


def test_high_tech_st_staff_share_a_hundredth_below() -> None:
    # 999 of 10,000 = 9.99 %: missed by 0.01 points and one person.
    c = _crit(
        sc.check_high_tech(replace(GOOD, staff=10_000, st_staff=999), AS_OF), "st_staff_share"
    )
    assert (c.met, c.actual, c.gap, c.gap_people) == (False, Decimal("9.99"), Decimal("0.01"), 1)


@pytest.mark.parametrize(
    ("in_china", "met"),
    [(1_440_000 * YUAN - 1, False), (1_440_000 * YUAN, True), (1_440_000 * YUAN + 1, True)],
)
def test_high_tech_rd_in_china_60_percent(in_china: int, met: bool) -> None:
    f = replace(GOOD, rd_in_china=in_china)  # of 240万
    assert _crit(sc.check_high_tech(f, AS_OF), "rd_in_china").met is met


@pytest.mark.parametrize(
    ("hightech", "met"),
    [(24_000_000 * YUAN - 1, False), (24_000_000 * YUAN, True), (24_000_000 * YUAN + 1, True)],
)
def test_high_tech_product_revenue_60_percent(hightech: int, met: bool) -> None:
    f = replace(GOOD, hightech_revenue=hightech)  # of 4,000万 total revenue
    assert _crit(sc.check_high_tech(f, AS_OF), "hightech_revenue").met is met


@pytest.mark.parametrize(
    ("registered", "met"),
    [(date(2025, 7, 1), False), (date(2025, 6, 30), True), (date(2025, 6, 29), True)],
)
def test_high_tech_registered_one_year_on_the_day(registered: date, met: bool) -> None:
    f = replace(GOOD, registered_on=registered)
    assert _crit(sc.check_high_tech(f, AS_OF), "registered_years").met is met


@pytest.mark.parametrize(("c1", "c2", "met"), [(0, 0, False), (0, 1, True), (1, 0, True)])
def test_high_tech_owns_ip(c1: int, c2: int, met: bool) -> None:
    f = replace(GOOD, ip_class_1=c1, ip_class_2=c2)
    assert _crit(sc.check_high_tech(f, AS_OF), "owns_ip").met is met


def test_missing_figure_is_not_judged() -> None:
    check = sc.check_high_tech(replace(GOOD, rd_in_china=None), AS_OF)
    assert _crit(check, "rd_in_china").met is None
    assert check.met is None


# --- 科技型中小企业: size limits and the score ------------------------------------------


@pytest.mark.parametrize(("staff", "met"), [(499, True), (500, True), (501, False)])
def test_tech_sme_staff_at_most_500(staff: int, met: bool) -> None:
    c = _crit(sc.check_tech_sme(replace(GOOD, staff=staff, st_staff=100)), "max_staff")
    assert c.met is met
    assert c.gap == (None if met else 1)


@pytest.mark.parametrize(
    ("field", "amount", "met"),
    [
        ("sales_revenue", 200_000_000 * YUAN - 1, True),
        ("sales_revenue", 200_000_000 * YUAN, True),
        ("sales_revenue", 200_000_000 * YUAN + 1, False),
        ("total_assets", 200_000_000 * YUAN, True),
        ("total_assets", 200_000_000 * YUAN + 1, False),
    ],
)
def test_tech_sme_sales_and_assets_at_most_200_million(field: str, amount: int, met: bool) -> None:
    key = "max_sales" if field == "sales_revenue" else "max_assets"
    f = replace(GOOD, **{field: amount})
    assert _crit(sc.check_tech_sme(f), key).met is met


@pytest.mark.parametrize(
    ("st", "points"),
    [(9, 0), (10, 4), (14, 4), (15, 8), (19, 8), (20, 12), (24, 12), (25, 16), (29, 16), (30, 20)],
)
def test_tech_sme_st_staff_bands(st: int, points: int) -> None:
    assert sc.tech_sme_score(replace(GOOD, staff=100, st_staff=st))["st_staff"] == points


@pytest.mark.parametrize(
    ("rd_yuan", "points"),
    [
        (1_999_999, 0),
        (2_000_000, 10),
        (3_000_000, 20),
        (4_000_000, 30),
        (5_000_000, 40),
        (5_999_999, 40),
        (6_000_000, 50),
    ],
)
def test_tech_sme_rd_sales_bands(rd_yuan: int, points: int) -> None:
    # of 1亿 sales; no cost figure, so only the sales measure counts.
    f = replace(GOOD, sales_revenue=100_000_000 * YUAN, rd_total=rd_yuan * YUAN, total_cost=None)
    assert sc.tech_sme_score(f)["rd"] == points


def test_tech_sme_rd_share_a_fen_below_a_band() -> None:
    f = replace(
        GOOD, sales_revenue=100_000_000 * YUAN, rd_total=6_000_000 * YUAN - 1, total_cost=None
    )
    assert sc.tech_sme_score(f)["rd"] == 40


def test_tech_sme_the_better_rd_measure_counts() -> None:
    # 1 % of sales (0 points) but 30 % of costs (50 points).
    f = replace(
        GOOD,
        sales_revenue=100_000_000 * YUAN,
        rd_total=1_000_000 * YUAN,
        total_cost=3_333_334 * YUAN,
    )
    assert sc.tech_sme_score(f)["rd"] == 40  # 29.99… % of costs → 25 % band
    f = replace(f, total_cost=3_333_333 * YUAN)
    assert sc.tech_sme_score(f)["rd"] == 50


@pytest.mark.parametrize(
    ("c1", "c2", "points"),
    [(1, 0, 30), (0, 4, 24), (0, 3, 18), (0, 2, 12), (0, 1, 6), (0, 0, 0), (0, 9, 24)],
)
def test_tech_sme_ip_points(c1: int, c2: int, points: int) -> None:
    assert sc.ip_points(c1, c2) == points


def test_tech_sme_score_exactly_60_passes_and_59_does_not() -> None:
    # 4 (10 % staff) + 30 (4 % of sales) + 24 (4 class II) = 58; +2 points is not a band,
    # so build 60 from 12 + 30 + 18 and 59 is impossible: use 56 = 8 + 30 + 18.
    base = replace(
        GOOD,
        staff=100,
        sales_revenue=100_000_000 * YUAN,
        rd_total=4_000_000 * YUAN,
        total_cost=None,
        ip_class_1=0,
        ip_class_2=3,
    )
    at_60 = sc.check_tech_sme(replace(base, st_staff=20))
    assert (at_60.score, _crit(at_60, "score").met) == (60, True)
    below = sc.check_tech_sme(replace(base, st_staff=15))
    c = _crit(below, "score")
    assert (below.score, c.met, c.gap) == (56, False, 4)


def test_tech_sme_zero_staff_points_fails_even_with_60() -> None:
    f = replace(
        GOOD,
        staff=100,
        st_staff=9,
        sales_revenue=100_000_000 * YUAN,
        rd_total=6_000_000 * YUAN,
        ip_class_1=1,
    )
    check = sc.check_tech_sme(f)
    assert check.score == 80
    assert _crit(check, "score").met is False
    assert check.met is False


def test_tech_sme_direct_pass_with_a_high_tech_certificate() -> None:
    f = replace(GOOD, st_staff=0, rd_total=0, ip_class_1=0, ip_class_2=0, holds_high_tech=True)
    check = sc.check_tech_sme(f)
    assert check.direct_pass == ("holds_high_tech",)
    assert check.met is True
    # …but never above the size limits.
    assert sc.check_tech_sme(replace(f, staff=501)).met is False


# --- 规模以上: main-business revenue ≥ 2,000万 ----------------------------------------------


@pytest.mark.parametrize(
    ("main", "met"),
    [(20_000_000 * YUAN - 1, False), (20_000_000 * YUAN, True), (20_000_000 * YUAN + 1, True)],
)
def test_above_scale_main_revenue(main: int, met: bool) -> None:
    c = _crit(sc.check_above_scale(replace(GOOD, main_revenue=main)), "main_revenue")
    assert c.met is met
    assert c.gap == (None if met else 1)


# --- 专精特新中小企业 ------------------------------------------------------------------------


@pytest.mark.parametrize(("years", "met"), [(1, False), (2, True), (3, True)])
def test_specialised_niche_two_years(years: int, met: bool) -> None:
    assert _crit(sc.check_specialised(replace(GOOD, niche_years=years)), "niche_years").met is met


@pytest.mark.parametrize(
    ("rd", "met"), [(100 * WAN - 1, False), (100 * WAN, True), (100 * WAN + 1, True)]
)
def test_specialised_rd_at_least_one_million(rd: int, met: bool) -> None:
    f = replace(GOOD, rd_total=rd, total_revenue=1_000 * WAN)
    assert _crit(sc.check_specialised(f), "rd_total").met is met


@pytest.mark.parametrize(
    ("rd", "met"), [(300 * WAN - 1, False), (300 * WAN, True), (300 * WAN + 1, True)]
)
def test_specialised_rd_share_3_percent(rd: int, met: bool) -> None:
    f = replace(GOOD, rd_total=rd, total_revenue=10_000 * WAN)
    assert _crit(sc.check_specialised(f), "rd_share").met is met


@pytest.mark.parametrize(
    ("revenue", "equity", "met"),
    [
        (1_000 * WAN - 1, None, False),
        (1_000 * WAN, None, True),
        (1_000 * WAN - 1, 2_000 * WAN - 1, False),
        (1_000 * WAN - 1, 2_000 * WAN, True),
    ],
)
def test_specialised_revenue_or_equity(revenue: int, equity: int | None, met: bool) -> None:
    f = replace(GOOD, total_revenue=revenue, rd_total=100 * WAN, equity_financing_2y=equity)
    assert sc.check_specialised(f).criteria[3].met is met


@pytest.mark.parametrize(("equity", "met"), [(6_000 * WAN - 1, None), (6_000 * WAN, True)])
def test_specialised_score_stands_only_with_the_equity_direct_condition(
    equity: int, met: bool | None
) -> None:
    f = replace(GOOD, equity_financing_2y=equity)
    c = _crit(sc.check_specialised(f), "score")
    assert c.met is met
    assert c.verified is False


# --- 专精特新"小巨人" --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("revenue", "band"),
    [
        (5_000 * WAN - 1, "small"),
        (5_000 * WAN, "middle"),
        (10_000 * WAN - 1, "middle"),
        (10_000 * WAN, "large"),
    ],
)
def test_little_giant_bands(revenue: int, band: str) -> None:
    assert sc.little_giant_band(revenue) == band


@pytest.mark.parametrize("met", [False, True])
def test_little_giant_middle_band_needs_6_percent(met: bool) -> None:
    # 99,999,999.00 yuan: the middle band, where 6 % is 5,999,999.94 yuan.
    revenue = 10_000 * WAN - 100
    needed = -(-revenue * 6 // 100)
    f = replace(GOOD, total_revenue=revenue, main_revenue=9_000 * WAN)
    f = replace(f, rd_total=needed if met else needed - 1)
    c = _crit(sc.check_little_giant(f), "rd_share")
    assert (c.band, c.met, c.verified) == ("middle", met, False)


@pytest.mark.parametrize(("main", "met"), [(6_999, False), (7_000, True), (7_001, True)])
def test_little_giant_main_business_share_70_percent(main: int, met: bool) -> None:
    f = replace(GOOD, total_revenue=10_000 * WAN, main_revenue=main * WAN, rd_total=300 * WAN)
    assert _crit(sc.check_little_giant(f), "main_share").met is met


@pytest.mark.parametrize(("c1", "met"), [(1, False), (2, True)])
def test_little_giant_two_class_one_ip(c1: int, met: bool) -> None:
    assert _crit(sc.check_little_giant(replace(GOOD, ip_class_1=c1)), "ip_class_1").met is met


@pytest.mark.parametrize(("rd_staff", "met"), [(49, False), (50, True)])
def test_little_giant_small_band_rd_staff_half(rd_staff: int, met: bool) -> None:
    f = replace(
        GOOD,
        staff=100,
        rd_staff=rd_staff,
        total_revenue=4_000 * WAN,
        equity_financing_2y=8_000 * WAN,
        rd_total=3_000 * WAN,
    )
    check = sc.check_little_giant(f)
    assert _crit(check, "small_rd_staff").met is met
    assert _crit(check, "small_equity").met is True
    assert _crit(replace_check(f, equity_financing_2y=8_000 * WAN - 1), "small_equity").met is False
    assert _crit(replace_check(f, rd_total=3_000 * WAN - 1), "small_rd_total").met is False


def replace_check(f: sc.Figures, **changes: object) -> sc.TierCheck:
    return sc.check_little_giant(replace(f, **changes))  # type: ignore[arg-type]


# --- validity ----------------------------------------------------------------------------


def test_default_expiry() -> None:
    assert t.default_expiry(t.HIGH_TECH, date(2023, 12, 12)) == date(2026, 12, 11)
    assert t.default_expiry(t.HIGH_TECH, date(2024, 2, 29)) == date(2027, 2, 28)
    assert t.default_expiry(t.TECH_SME, date(2026, 4, 3)) == date(2026, 12, 31)
    assert t.default_expiry(t.LISTED, date(2026, 4, 3)) is None


def test_every_threshold_names_a_source_and_unverified_ones_say_why() -> None:
    edition = t.CURRENT
    for th in edition.thresholds.values():
        assert th.source in edition.sources
        assert th.tier in t.TIERS
        if not th.verified:
            assert th.note
    for v in edition.validity.values():
        assert v.verified or v.note


def test_shares_are_exact_decimals() -> None:
    assert sc.share(1, 3) == Decimal("33.33")
    assert sc.share(2, 3) == Decimal("66.67")
    assert sc.share(5, 0) == Decimal(0)
