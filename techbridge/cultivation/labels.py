"""What the self-check's keys read as on a page (translated), and one sentence per
criterion: "R&D share of sales: 3.20%, needs ≥ 4% — short by 0.80 percentage points
(about 80.00万元)"."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from techbridge.core.money import format_yuan_words, from_fen
from techbridge.cultivation import selfcheck

CRITERIA = {
    "registered_years": gettext_lazy("Years since registration"),
    "owns_ip": gettext_lazy("Owns intellectual property (class I or II)"),
    "st_staff_share": gettext_lazy("S&T staff share of staff"),
    "rd_share": gettext_lazy("R&D spend share"),
    "rd_in_china": gettext_lazy("Share of R&D spent in China"),
    "hightech_revenue": gettext_lazy("High-tech product and service revenue share"),
    "max_staff": gettext_lazy("Staff"),
    "max_sales": gettext_lazy("Sales revenue"),
    "max_assets": gettext_lazy("Total assets"),
    "score": gettext_lazy("Evaluation score"),
    "st_staff_points": gettext_lazy("S&T staff score above zero"),
    "main_revenue": gettext_lazy("Main-business revenue"),
    "niche_years": gettext_lazy("Years in the market niche"),
    "rd_total": gettext_lazy("R&D spend"),
    "revenue": gettext_lazy("Revenue"),
    "equity_alternative": gettext_lazy("New equity financing in 2 years (instead of revenue)"),
    "main_share": gettext_lazy("Main-business share of revenue"),
    "ip_class_1": gettext_lazy("Class I intellectual property"),
    "small_equity": gettext_lazy("New equity financing in 2 years"),
    "small_rd_total": gettext_lazy("R&D spend"),
    "small_rd_staff": gettext_lazy("R&D staff share of staff"),
}

BANDS = {
    "small": gettext_lazy("sales up to 50 million yuan"),
    "middle": gettext_lazy("sales 50 to 200 million yuan"),
    "large": gettext_lazy("sales above 200 million yuan"),
}
GIANT_BANDS = {
    "middle": gettext_lazy("revenue 50 to 100 million yuan"),
    "large": gettext_lazy("revenue 100 million yuan and above"),
}

NOT_ASSESSED = {
    "tech_field": gettext_lazy("core technology in the state-supported high-tech fields"),
    "innovation_score": gettext_lazy("innovation capability evaluation"),
    "no_major_accident": gettext_lazy("no major safety, quality or environmental incident"),
    "resident_enterprise": gettext_lazy("resident enterprise registered in mainland China"),
    "permitted_industry": gettext_lazy("products not in prohibited, restricted or obsolete lists"),
    "industrial_unit": gettext_lazy("an industrial legal entity"),
    "score_indicators": gettext_lazy("the 13 scored indicators (points not verified)"),
    "growth": gettext_lazy("main-business revenue growth over 2 years"),
    "debt_ratio": gettext_lazy("asset-liability ratio"),
    "market_share": gettext_lazy("national market share of the main product"),
    "rd_institution": gettext_lazy("own or joint R&D institution"),
    "brand": gettext_lazy("own brand"),
    "supply_chain": gettext_lazy("role in the industrial chain"),
    "priority_field": gettext_lazy("main product in a priority field"),
}

DIRECT_PASS = {
    "holds_high_tech": gettext_lazy("holds a valid high-tech enterprise certificate"),
    "national_award": gettext_lazy("national S&T award in the last 5 years"),
    "provincial_rd_centre": gettext_lazy("recognised provincial or national R&D centre"),
    "led_standard": gettext_lazy("led a standard in the last 5 years"),
}

ENGAGEMENT = {
    "matchmaking": gettext_lazy("Matchmaking"),
    "deal": gettext_lazy("Deals"),
    "sharing": gettext_lazy("Sharing"),
}


def quantity(value: int | Decimal | None, unit: str) -> str:
    if value is None:
        return _("not entered")
    if unit == "percent":
        return f"{Decimal(value):.2f}%".replace(".00%", "%")
    if unit == "fen":
        return format_yuan_words(from_fen(int(value)))
    if unit == "people":
        return _("%(n)s people") % {"n": value}
    if unit == "years":
        return _("%(n)s years") % {"n": value}
    if unit == "points":
        return _("%(n)s points") % {"n": value}
    return str(value)


def label(c: selfcheck.Criterion, tier: str = "") -> str:
    text = str(CRITERIA.get(c.key, c.key))
    if c.band:
        bands = GIANT_BANDS if tier == "little_giant" else BANDS
        if c.band in bands:
            text = _("%(text)s (%(detail)s)") % {"text": text, "detail": bands[c.band]}
    return text


def sentence(c: selfcheck.Criterion) -> str:
    """The criterion in words: actual, requirement and, if missed, by how much."""
    op = "≥" if c.op == "ge" else "≤"
    text = _("%(actual)s, needs %(op)s %(required)s") % {
        "actual": quantity(c.actual, c.unit),
        "op": op,
        "required": quantity(c.required, c.unit),
    }
    if c.met is not False or c.gap is None:
        return text
    if c.unit == "percent":
        gap = _("short by %(gap)s percentage points") % {"gap": f"{Decimal(c.gap):.2f}"}
        if c.gap_fen:
            gap += _(", about %(amount)s") % {"amount": quantity(c.gap_fen, "fen")}
        elif c.gap_people:
            gap += _(", %(n)s more people") % {"n": c.gap_people}
    elif c.op == "le":
        gap = _("over by %(gap)s") % {"gap": quantity(c.gap, c.unit)}
    else:
        gap = _("short by %(gap)s") % {"gap": quantity(c.gap, c.unit)}
    return _("%(text)s (%(detail)s)") % {"text": text, "detail": gap}
