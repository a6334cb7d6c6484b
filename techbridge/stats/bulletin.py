"""The statistical bulletin paragraph (统计公报) and its numbers table.

Example: "2013年9月至2014年11月，北京输出到贵州省的技术合同622项，技术合同成交额42亿元，
主要集中在现代交通、城市建设与社会发展、电子信息等领域，共占北京输出到贵州省技术成交总额的
93.5%".

Rules (docs/stats.md):
- Amounts: ≥ 1亿 yuan in 亿元, ≥ 1万 yuan in 万元, else 元; 亿/万 rounded half-up to one
  decimal with a trailing ".0" dropped (4,200,000,000 → 42亿元; 4,170,000,000 → 41.7亿元).
- Leading fields: the fewest fields, by contract amount, whose combined share reaches
  80 %, at most 3; their combined share of the contract amount, one decimal.
- Region names: the four municipalities by their short name (北京, 天津, 上海, 重庆), other
  divisions by their full GB/T 2260 name (贵州省, 贵阳市); no region → 各地.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from techbridge.codes import selectors as codes
from techbridge.stats.selectors import ContractStats, StatsFilter, contract_statistics

MUNICIPALITIES = {"110000": "北京", "120000": "天津", "310000": "上海", "500000": "重庆"}
LEADING_COVERAGE = Decimal(80)
LEADING_MAX = 3
YI = Decimal(100_000_000)
WAN = Decimal(10_000)


@dataclass
class Bulletin:
    sentence: str
    stats: ContractStats
    leading_fields: list[str]
    leading_share: Decimal


def region_short_name(code: str) -> str:
    if not code:
        return "各地"
    if code in MUNICIPALITIES:
        return MUNICIPALITIES[code]
    region = codes.get_region(code)
    return region.name if region is not None else code


def format_amount_cn(amount: Decimal) -> str:
    """42亿元 / 3.5万元 / 980.00元 (rounding rule in the module docstring)."""
    for unit, name in ((YI, "亿元"), (WAN, "万元")):
        value = (amount / unit).quantize(Decimal("0.1"), ROUND_HALF_UP)
        # 99,999,999.99 rounds to 10000.0万: say 1亿 instead.
        if amount >= unit or (unit == YI and value >= 1):
            text = format(value, "f").removesuffix(".0")
            return f"{text}{name}"
    return f"{amount.quantize(Decimal('0.01'))}元"


def format_period_cn(date_from: dt.date | None, date_to: dt.date | None) -> str:
    if date_from is None and date_to is None:
        return "截至目前"
    if date_from is None:
        assert date_to is not None
        return f"截至{date_to.year}年{date_to.month}月"
    start = f"{date_from.year}年{date_from.month}月"
    if date_to is None:
        return f"{start}以来"
    if (date_from.year, date_from.month) == (date_to.year, date_to.month):
        return start
    return f"{start}至{date_to.year}年{date_to.month}月"


def contract_bulletin(filters: StatsFilter) -> Bulletin:
    """The paragraph for the filtered flow plus its by-field table (ContractStats)."""
    stats = contract_statistics(group_by=["field"], filters=filters)
    seller = region_short_name(filters.seller_region)
    buyer = region_short_name(filters.buyer_region)
    period = format_period_cn(filters.date_from, filters.date_to)
    flow = f"{seller}输出到{buyer}"
    head = (
        f"{period}，{flow}的技术合同{stats.count}项，"
        f"技术合同成交额{format_amount_cn(stats.contract_amount)}"
    )
    ranked = sorted(stats.rows, key=lambda r: (-r.contract_fen, r.labels["field"]))
    ranked = [r for r in ranked if r.contract_fen > 0]
    leading = []
    covered = 0
    for row in ranked[:LEADING_MAX]:
        leading.append(row)
        covered += row.contract_fen
        if stats.contract_fen and Decimal(covered) * 100 >= LEADING_COVERAGE * stats.contract_fen:
            break
    share = (
        (Decimal(covered) * 100 / Decimal(stats.contract_fen)).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )
        if stats.contract_fen
        else Decimal("0.0")
    )
    names = [r.labels["field"] for r in leading]
    if not names:
        sentence = head + "。"
    elif len(names) == len(ranked) == 1:
        sentence = f"{head}，全部集中在{names[0]}领域。"
    else:
        more = "等" if len(names) < len(ranked) else ""
        verb = "共占" if len(names) > 1 else "占"
        sentence = (
            f"{head}，主要集中在{'、'.join(names)}{more}领域，{verb}{flow}技术成交总额的{share}%。"
        )
    return Bulletin(sentence=sentence, stats=stats, leading_fields=names, leading_share=share)
