"""The self-check (自评): which tier criteria an enterprise's figures meet, and by how much
the others are missed. Plain Python, no Django (import-linter's plain-python contract).

Input is one year's ``Figures`` (money in integer fen, never float); output is one
``TierCheck`` per tier with its ``Criterion`` rows. Every comparison is made on integers
by cross-multiplying (``rd * 100 >= sales * 5``), so a boundary is exact to the fen and
to the person; shares are computed as ``Decimal`` for display only. A criterion whose
figures are missing, or which the platform cannot judge, has ``met = None``.

Labels are not here: pages translate a criterion by its ``key`` (``cultivation.labels``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from techbridge.cultivation import thresholds as t

PERCENT = Decimal("0.01")


@dataclass(frozen=True)
class Figures:
    """One year's figures of an enterprise; money in fen; None = not entered."""

    year: int
    staff: int | None = None  # 职工总数
    st_staff: int | None = None  # 科技人员
    rd_staff: int | None = None  # 研发人员
    total_revenue: int | None = None  # 营业收入 / 总收入
    main_revenue: int | None = None  # 主营业务收入
    sales_revenue: int | None = None  # 销售收入
    total_assets: int | None = None  # 资产总额
    total_cost: int | None = None  # 成本费用支出总额
    rd_total: int | None = None  # 研发费用总额
    rd_in_china: int | None = None  # 境内研发费用
    hightech_revenue: int | None = None  # 高新技术产品（服务）收入
    equity_financing_2y: int | None = None  # 近2年新增股权融资（合格机构投资者实缴）
    registered_on: date | None = None  # 注册成立日期
    niche_years: int | None = None  # 从事特定细分市场年限
    ip_class_1: int = 0  # Ⅰ类知识产权：发明专利、植物新品种、集成电路布图设计、新药…
    ip_class_2: int = 0  # Ⅱ类知识产权：实用新型、外观设计、软件著作权…
    # Direct-pass conditions of 科技型中小企业 (第六条之外，可直接确认)
    holds_high_tech: bool = False  # 有效期内高新技术企业证书 (from the platform's records)
    national_award: bool = False  # 近五年国家级科技奖励并排名前三
    provincial_rd_centre: bool = False  # 经认定的省部级以上研发机构
    led_standard: bool = False  # 近五年主导制定国际、国家或行业标准


@dataclass(frozen=True)
class Criterion:
    """One condition: ``actual`` against ``required`` (``op`` "ge" ≥, "le" ≤) in
    ``unit``; ``gap`` is how far it is missed in that unit (percentage points, fen,
    people, years, points); ``gap_fen`` the money that would close a share gap (e.g. the
    R&D spend missing); ``band`` names a revenue band where the requirement depends on it."""

    key: str
    threshold: str
    met: bool | None
    actual: int | Decimal | None
    required: int | Decimal
    unit: str
    op: str = "ge"
    gap: int | Decimal | None = None
    gap_fen: int | None = None
    gap_people: int | None = None
    band: str = ""
    verified: bool = True


@dataclass(frozen=True)
class TierCheck:
    tier: str
    criteria: list[Criterion]
    score: int | None = None
    score_parts: dict[str, int] = field(default_factory=dict)
    direct_pass: tuple[str, ...] = ()
    not_assessed: tuple[str, ...] = ()

    @property
    def met(self) -> bool | None:
        """True when every criterion is met (or a direct pass holds), False when one is
        missed, None when none is missed but some cannot be judged."""
        if self.direct_pass:
            return True
        values = [c.met for c in self.criteria]
        if any(v is False for v in values):
            return False
        if any(v is None for v in values):
            return None
        return True

    @property
    def verified(self) -> bool:
        return all(c.verified for c in self.criteria)


def share(part: int, whole: int) -> Decimal:
    """part / whole in percent, 2 decimals (display only: decisions compare integers)."""
    if whole <= 0:
        return Decimal(0)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PERCENT, rounding=ROUND_HALF_UP)


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _needed(whole: int, pct: Decimal) -> int:
    """The smallest part with part / whole ≥ pct %, exactly: ceil(whole × pct / 100)."""
    num, den = pct.as_integer_ratio()
    return _ceil_div(whole * num, 100 * den)


def _at_least_share(part: int, whole: int, pct: Decimal) -> bool:
    num, den = pct.as_integer_ratio()
    return part * 100 * den >= whole * num


def _threshold(key: str) -> t.Threshold:
    return t.CURRENT.thresholds[key]


def share_criterion(
    key: str, threshold: str, part: int | None, whole: int | None, *, money: bool, band: str = ""
) -> Criterion:
    """part / whole ≥ the threshold's percent; the gap in points and in fen or people."""
    th = _threshold(threshold)
    pct = Decimal(th.value)
    if part is None or whole is None or whole <= 0:
        return Criterion(
            key, threshold, None, None, pct, "percent", band=band, verified=th.verified
        )
    met = _at_least_share(part, whole, pct)
    actual = share(part, whole)
    gap = None if met else max(pct - actual, PERCENT)
    missing = 0 if met else _needed(whole, pct) - part
    return Criterion(
        key,
        threshold,
        met,
        actual,
        pct,
        "percent",
        gap=gap,
        gap_fen=missing if money and not met else None,
        gap_people=missing if not money and not met else None,
        band=band,
        verified=th.verified,
    )


def at_least(key: str, threshold: str, actual: int | None, unit: str) -> Criterion:
    th = _threshold(threshold)
    limit = int(th.value)
    if actual is None:
        return Criterion(key, threshold, None, None, limit, unit, verified=th.verified)
    met = actual >= limit
    return Criterion(
        key,
        threshold,
        met,
        actual,
        limit,
        unit,
        gap=None if met else limit - actual,
        verified=th.verified,
    )


def at_most(key: str, threshold: str, actual: int | None, unit: str) -> Criterion:
    th = _threshold(threshold)
    limit = int(th.value)
    if actual is None:
        return Criterion(key, threshold, None, None, limit, unit, op="le", verified=th.verified)
    met = actual <= limit
    return Criterion(
        key,
        threshold,
        met,
        actual,
        limit,
        unit,
        op="le",
        gap=None if met else actual - limit,
        verified=th.verified,
    )


def full_years(since: date, as_of: date) -> int:
    """Whole years from ``since`` to ``as_of`` (an anniversary counts on its day)."""
    years = as_of.year - since.year
    if (as_of.month, as_of.day) < (since.month, since.day):
        years -= 1
    return max(years, 0)


# --- 高新技术企业 ------------------------------------------------------------------------


def high_tech_band(sales: int) -> tuple[str, str]:
    """The R&D band of a sales figure (fen): (band name, threshold key)."""
    if sales <= int(t.value("high_tech.band_small_upper")):
        return "small", "high_tech.rd_share_small"
    if sales <= int(t.value("high_tech.band_middle_upper")):
        return "middle", "high_tech.rd_share_middle"
    return "large", "high_tech.rd_share_large"


def check_high_tech(f: Figures, as_of: date) -> TierCheck:
    years = None if f.registered_on is None else full_years(f.registered_on, as_of)
    criteria = [
        at_least("registered_years", "high_tech.registered_years", years, "years"),
        at_least("owns_ip", "high_tech.owns_ip", f.ip_class_1 + f.ip_class_2, "count"),
        share_criterion(
            "st_staff_share", "high_tech.st_staff_share", f.st_staff, f.staff, money=False
        ),
    ]
    if f.sales_revenue is None:
        criteria.append(
            share_criterion("rd_share", "high_tech.rd_share_small", None, None, money=True)
        )
    else:
        band, key = high_tech_band(f.sales_revenue)
        criteria.append(
            share_criterion("rd_share", key, f.rd_total, f.sales_revenue, money=True, band=band)
        )
    criteria += [
        share_criterion(
            "rd_in_china", "high_tech.rd_in_china", f.rd_in_china, f.rd_total, money=True
        ),
        share_criterion(
            "hightech_revenue",
            "high_tech.hightech_revenue",
            f.hightech_revenue,
            f.total_revenue,
            money=True,
        ),
    ]
    return TierCheck(
        t.HIGH_TECH,
        criteria,
        not_assessed=("tech_field", "innovation_score", "no_major_accident"),
    )


# --- 科技型中小企业 ----------------------------------------------------------------------

# (lowest share in percent, points), best first; below the last band: 0 points.
TECH_SME_BANDS: dict[str, tuple[tuple[Decimal, int], ...]] = {
    "st_staff": tuple((Decimal(p), s) for p, s in ((30, 20), (25, 16), (20, 12), (15, 8), (10, 4))),
    "rd_sales": tuple((Decimal(p), s) for p, s in ((6, 50), (5, 40), (4, 30), (3, 20), (2, 10))),
    "rd_cost": tuple(
        (Decimal(p), s) for p, s in ((30, 50), (25, 40), (20, 30), (15, 20), (10, 10))
    ),
}
# Ⅰ类 ≥ 1 → 30; Ⅱ类 ≥ 4 / 3 / 2 / 1 → 24 / 18 / 12 / 6; none → 0.
IP_CLASS_2_POINTS = ((4, 24), (3, 18), (2, 12), (1, 6))


def band_points(part: int | None, whole: int | None, bands: tuple[tuple[Decimal, int], ...]) -> int:
    if part is None or whole is None or whole <= 0:
        return 0
    for pct, points in bands:
        if _at_least_share(part, whole, pct):
            return points
    return 0


def ip_points(class_1: int, class_2: int) -> int:
    if class_1 >= 1:
        return 30
    for count, points in IP_CLASS_2_POINTS:
        if class_2 >= count:
            return points
    return 0


def tech_sme_score(f: Figures) -> dict[str, int]:
    """The three parts of the 科技型中小企业 score (the better R&D measure counts)."""
    return {
        "st_staff": band_points(f.st_staff, f.staff, TECH_SME_BANDS["st_staff"]),
        "rd": max(
            band_points(f.rd_total, f.sales_revenue, TECH_SME_BANDS["rd_sales"]),
            band_points(f.rd_total, f.total_cost, TECH_SME_BANDS["rd_cost"]),
        ),
        "ip": ip_points(f.ip_class_1, f.ip_class_2),
    }


def check_tech_sme(f: Figures) -> TierCheck:
    parts = tech_sme_score(f)
    score = sum(parts.values())
    th = _threshold("tech_sme.min_score")
    bands_verified = _threshold("tech_sme.scoring_bands").verified
    scorable = f.staff is not None and f.st_staff is not None
    score_met = (score >= int(th.value) and parts["st_staff"] > 0) if scorable else None
    criteria = [
        at_most("max_staff", "tech_sme.max_staff", f.staff, "people"),
        at_most("max_sales", "tech_sme.max_sales", f.sales_revenue, "fen"),
        at_most("max_assets", "tech_sme.max_assets", f.total_assets, "fen"),
        Criterion(
            "score",
            "tech_sme.min_score",
            score_met,
            score if scorable else None,
            int(th.value),
            "points",
            gap=None if score_met or not scorable else max(int(th.value) - score, 0),
            verified=th.verified and bands_verified,
        ),
        Criterion(
            "st_staff_points",
            "tech_sme.min_score",
            (parts["st_staff"] > 0) if scorable else None,
            parts["st_staff"] if scorable else None,
            1,
            "points",
            verified=th.verified,
        ),
    ]
    size_ok = all(c.met for c in criteria[:3])
    direct = tuple(
        name
        for name, held in (
            ("holds_high_tech", f.holds_high_tech),
            ("national_award", f.national_award),
            ("provincial_rd_centre", f.provincial_rd_centre),
            ("led_standard", f.led_standard),
        )
        if held
    )
    return TierCheck(
        t.TECH_SME,
        criteria,
        score=score if scorable else None,
        score_parts=parts,
        direct_pass=direct if size_ok else (),
        not_assessed=("resident_enterprise", "permitted_industry", "no_major_accident"),
    )


# --- 规模以上 ------------------------------------------------------------------------------


def check_above_scale(f: Figures) -> TierCheck:
    return TierCheck(
        t.ABOVE_SCALE,
        [at_least("main_revenue", "above_scale.main_revenue", f.main_revenue, "fen")],
        not_assessed=("industrial_unit",),
    )


# --- 专精特新中小企业 --------------------------------------------------------------------


def check_specialised(f: Figures) -> TierCheck:
    revenue = at_least("revenue", "specialised.revenue", f.total_revenue, "fen")
    if revenue.met is False and f.equity_financing_2y is not None:
        alternative = at_least(
            "equity_alternative", "specialised.equity_alternative", f.equity_financing_2y, "fen"
        )
        if alternative.met:
            revenue = alternative
    direct = at_least("equity_direct", "specialised.equity_direct", f.equity_financing_2y, "fen")
    score_th = _threshold("specialised.min_score")
    score = Criterion(
        "score",
        "specialised.min_score",
        True if direct.met else None,
        None,
        int(score_th.value),
        "points",
        verified=score_th.verified,
    )
    criteria = [
        at_least("niche_years", "specialised.niche_years", f.niche_years, "years"),
        at_least("rd_total", "specialised.rd_total", f.rd_total, "fen"),
        share_criterion(
            "rd_share", "specialised.rd_share", f.rd_total, f.total_revenue, money=True
        ),
        revenue,
        score,
    ]
    return TierCheck(t.SPECIALISED, criteria, not_assessed=("score_indicators",))


# --- 专精特新"小巨人" ----------------------------------------------------------------------


def little_giant_band(revenue: int) -> str:
    if revenue >= int(t.value("little_giant.band_upper")):
        return "large"
    if revenue >= int(t.value("little_giant.band_lower")):
        return "middle"
    return "small"


def check_little_giant(f: Figures) -> TierCheck:
    criteria = [
        at_least("niche_years", "little_giant.niche_years", f.niche_years, "years"),
        share_criterion(
            "main_share", "little_giant.main_share", f.main_revenue, f.total_revenue, money=True
        ),
        at_least("ip_class_1", "little_giant.ip_class_1", f.ip_class_1, "count"),
    ]
    band_verified = _threshold("little_giant.band_upper").verified
    if f.total_revenue is None:
        criteria.append(
            share_criterion("rd_share", "little_giant.rd_share_large", None, None, money=True)
        )
    else:
        band = little_giant_band(f.total_revenue)
        if band == "small":
            criteria += [
                at_least("small_equity", "little_giant.small_equity", f.equity_financing_2y, "fen"),
                at_least("small_rd_total", "little_giant.small_rd_total", f.rd_total, "fen"),
                share_criterion(
                    "small_rd_staff",
                    "little_giant.small_rd_staff",
                    f.rd_staff,
                    f.staff,
                    money=False,
                ),
            ]
        else:
            key = (
                "little_giant.rd_share_large" if band == "large" else "little_giant.rd_share_middle"
            )
            c = share_criterion("rd_share", key, f.rd_total, f.total_revenue, money=True, band=band)
            criteria.append(Criterion(**{**c.__dict__, "verified": c.verified and band_verified}))
    return TierCheck(
        t.LITTLE_GIANT,
        criteria,
        not_assessed=(
            "growth",
            "debt_ratio",
            "market_share",
            "rd_institution",
            "brand",
            "supply_chain",
            "priority_field",
        ),
    )


def check(f: Figures, *, as_of: date) -> list[TierCheck]:
    """Every tier the figures can be checked against, ladder order first (上市 has no
    criteria to check)."""
    return [
        check_tech_sme(f),
        check_high_tech(f, as_of),
        check_specialised(f),
        check_little_giant(f),
        check_above_scale(f),
    ]
