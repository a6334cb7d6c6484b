"""Technology-market statistics over registered contracts (技术市场统计).

Only registered contracts count (cancelled ones drop out the moment they are cancelled,
amendments show at once): the statistics are computed from the contract table itself, in
integer fen, so every figure is exact and current. Speed comes from three covering
indexes (date-, seller-region- and buyer-region-led, see contracts.models) and from
region filters written as code ranges the indexes can use.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import BigIntegerField, Count, F, IntegerField, QuerySet, Sum, Value
from django.db.models.functions import Mod, Substr
from django.utils.translation import gettext as _

from techbridge.codes import selectors as codes
from techbridge.codes.choices import ContractType, LegalPersonType, TechField
from techbridge.contracts.selectors import registered_contracts as _registered
from techbridge.core.money import from_fen

if TYPE_CHECKING:
    from techbridge.contracts.models import TechnologyContract

GROUP_KEYS = (
    "field",
    "type",
    "seller_region",
    "buyer_region",
    "month",
    "quarter",
    "year",
    "seller_type",
    "buyer_type",
)
PERIOD_KEYS = frozenset({"month", "quarter", "year"})
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class StatsFilter:
    """Which registered contracts to count. Regions are GB/T 2260 codes matched by prefix
    (520000 = all of Guizhou); dates are inclusive."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    seller_region: str = ""
    buyer_region: str = ""
    contract_type: str = ""
    field: str = ""

    def shifted_back_one_year(self) -> StatsFilter:
        def back(day: dt.date | None) -> dt.date | None:
            if day is None:
                return None
            try:
                return day.replace(year=day.year - 1)
            except ValueError:  # 29 February
                return day.replace(year=day.year - 1, day=28)

        return StatsFilter(
            back(self.date_from),
            back(self.date_to),
            self.seller_region,
            self.buyer_region,
            self.contract_type,
            self.field,
        )


@dataclass
class StatsRow:
    keys: dict[str, Any]
    labels: dict[str, str]
    count: int
    contract_fen: int
    technology_fen: int
    share: Decimal = Decimal(0)
    growth: Decimal | None = None

    @property
    def contract_amount(self) -> Decimal:
        return from_fen(self.contract_fen)

    @property
    def technology_amount(self) -> Decimal:
        return from_fen(self.technology_fen)


@dataclass
class ContractStats:
    group_by: list[str]
    filters: StatsFilter
    rows: list[StatsRow] = field(default_factory=list)
    count: int = 0
    contract_fen: int = 0
    technology_fen: int = 0

    @property
    def contract_amount(self) -> Decimal:
        return from_fen(self.contract_fen)

    @property
    def technology_amount(self) -> Decimal:
        return from_fen(self.technology_fen)


# --- parsing request parameters ----------------------------------------------------------

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
# Years a statistics period may name: wide enough for any register, narrow enough that
# the year-on-year comparison (a year earlier) stays a real date.
MIN_YEAR, MAX_YEAR = 1900, 2100


def parse_period(text: str, *, end: bool = False) -> dt.date | None:
    """'2013-09' → 2013-09-01 (or 2013-09-30 with end=True); 'YYYY-MM-DD' as is;
    empty → None. Raises ValidationError naming the value and the accepted forms."""
    text = (text or "").strip()
    if not text:
        return None
    match = _PERIOD_RE.match(text)
    try:
        if not match:
            raise ValueError(text)
        year, month = int(match.group(1)), int(match.group(2))
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValueError(text)
        if match.group(3):
            return dt.date(year, month, int(match.group(3)))
        day = calendar.monthrange(year, month)[1] if end else 1
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError(
            _(
                "Not a date or month: %(v)s. Use YYYY-MM or YYYY-MM-DD with a year from "
                "%(min)s to %(max)s, e.g. 2013-09 or 2013-09-01."
            )
            % {"v": text[:20], "min": MIN_YEAR, "max": MAX_YEAR}
        ) from None


def check_period(date_from: dt.date | None, date_to: dt.date | None, given: Any) -> None:
    """Refuse a period that starts after it ends (it would hold no day at all), naming
    the values as given and the order that would do; never swap them silently."""
    if date_from is None or date_to is None or date_from <= date_to:
        return
    start = (given.get("from", "") or "").strip()[:20]
    end = (given.get("to", "") or "").strip()[:20]
    raise ValidationError(
        {
            "to": [
                _(
                    "The period starts after it ends: start %(start)s, end %(end)s. Give a "
                    "start on or before the end, e.g. start %(end)s and end %(start)s."
                )
                % {"start": start, "end": end}
            ]
        }
    )


def parse_region(text: str) -> str:
    text = (text or "").strip()
    if not text:
        return ""
    if not text.isdigit():  # a name, as people write it ("北京", "贵阳市")
        return codes.resolve_region(text[:40])
    if len(text) != 6 or not codes.is_valid_region(text):
        raise ValidationError(_("Unknown region code %(code)s (GB/T 2260).") % {"code": text[:10]})
    return text


def parse_group_by(text: str | Sequence[str]) -> list[str]:
    keys = [k.strip() for k in (text.split(",") if isinstance(text, str) else text) if k.strip()]
    if not 1 <= len(keys) <= 2 or len(set(keys)) != len(keys):
        raise ValidationError(_("Group by one or two different keys."))
    unknown = [k for k in keys if k not in GROUP_KEYS]
    if unknown:
        raise ValidationError(
            _("Unknown grouping %(k)s; use %(known)s.")
            % {"k": ", ".join(unknown), "known": ", ".join(GROUP_KEYS)}
        )
    return keys


def make_filter(params: Any) -> StatsFilter:
    """A StatsFilter from request parameters (from, to, seller_region, buyer_region, type,
    field); ValidationError names the bad parameter. The one place periods are checked:
    every page, export, API and command goes through here."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name, key, parse in (
        ("date_from", "from", lambda v: parse_period(v)),
        ("date_to", "to", lambda v: parse_period(v, end=True)),
        ("seller_region", "seller_region", parse_region),
        ("buyer_region", "buyer_region", parse_region),
    ):
        try:
            values[name] = parse(params.get(key, "") or "")
        except ValidationError as exc:
            errors[key] = exc.messages
    contract_type = (params.get("type", "") or "").strip()
    if contract_type and contract_type not in ContractType.values:
        errors["type"] = [_("Unknown contract type %(v)s.") % {"v": contract_type[:30]}]
    tech_field = (params.get("field", "") or "").strip()
    if tech_field and tech_field not in TechField.values:
        errors["field"] = [_("Unknown technical field %(v)s.") % {"v": tech_field[:30]}]
    if errors:
        raise ValidationError(errors)
    check_period(values["date_from"], values["date_to"], params)
    return StatsFilter(
        date_from=values["date_from"],
        date_to=values["date_to"],
        seller_region=values["seller_region"] or "",
        buyer_region=values["buyer_region"] or "",
        contract_type=contract_type,
        field=tech_field,
    )


# --- querying -----------------------------------------------------------------------------


def _prefix_range(code: str) -> tuple[str, str]:
    prefix = codes.region_prefix(code)
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return prefix, upper


def registered_contracts(filters: StatsFilter) -> QuerySet[TechnologyContract]:
    """Registered contracts matching the filter. Region prefixes become ranges
    (code >= '52' AND code < '53'), which both databases answer from an index."""
    qs = _registered()
    if filters.date_from:
        qs = qs.filter(signed_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(signed_on__lte=filters.date_to)
    for side in ("seller", "buyer"):
        code = getattr(filters, f"{side}_region")
        if code:
            low, high = _prefix_range(code)
            if len(low) == 6:
                qs = qs.filter(**{f"{side}_region": low})
            else:
                qs = qs.filter(**{f"{side}_region__gte": low, f"{side}_region__lt": high})
    if filters.contract_type:
        qs = qs.filter(contract_type=filters.contract_type)
    if filters.field:
        qs = qs.filter(technical_field=filters.field)
    return qs


def region_group_length(filter_code: str) -> int:
    """How many code digits a region grouping keeps: provinces by default, one level
    below the filter when the same side is filtered (520000 → prefectures 5201…)."""
    if not filter_code:
        return 2
    return min(len(codes.region_prefix(filter_code)) + 2, 6)


def _expression(key: str, filters: StatsFilter) -> Any:
    if key == "field":
        return F("technical_field")
    if key == "type":
        return F("contract_type")
    if key in ("seller_type", "buyer_type"):
        return F(key)
    if key in ("seller_region", "buyer_region"):
        length = region_group_length(getattr(filters, key))
        if length == 6:
            return F(key)
        return Substr(key, 1, length)  # padded back to 6 digits in _normal
    month = F("signed_month")
    if key == "month":
        return month
    if key == "year":
        return month / Value(100, output_field=IntegerField())
    # quarter: YYYYQ as an integer, e.g. 20143
    return (month / Value(100, output_field=IntegerField())) * Value(10) + (
        Mod(month, Value(100)) + Value(2)
    ) / Value(3, output_field=IntegerField())


def _label(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if key == "field":
        return str(TechField(value).label) if value in TechField.values else str(value)
    if key == "type":
        return str(ContractType(value).label) if value in ContractType.values else str(value)
    if key in ("seller_type", "buyer_type"):
        return str(LegalPersonType(value).label) if value in LegalPersonType.values else str(value)
    if key in ("seller_region", "buyer_region"):
        region = codes.get_region(str(value))
        return region.name if region is not None else str(value)
    value = int(value)
    if key == "month":
        return f"{value // 100}-{value % 100:02d}"
    if key == "quarter":
        return f"{value // 10}Q{value % 10}"
    return str(value)


def _normal(key: str, value: Any) -> Any:
    if key in PERIOD_KEYS and value is not None:
        return int(value)
    if key in ("seller_region", "buyer_region") and value:
        return str(value).ljust(6, "0")
    return value


def _one_year_earlier(key: str, value: int) -> int:
    return value - {"month": 100, "quarter": 10, "year": 1}[key]


def _grouped(filters: StatsFilter, group_by: list[str]) -> dict[tuple[Any, ...], list[int]]:
    names = {key: f"k_{key}" for key in group_by}
    qs = (
        registered_contracts(filters)
        .annotate(**{names[k]: _expression(k, filters) for k in group_by})
        .values(*names.values())
        .annotate(
            n=Count("*"),  # not count(id): the covering indexes do not hold id
            c=Sum("contract_amount", output_field=BigIntegerField()),
            t=Sum("technology_amount", output_field=BigIntegerField()),
        )
        .order_by()
    )
    result: dict[tuple[Any, ...], list[int]] = {}
    for row in qs:
        key = tuple(_normal(k, row[names[k]]) for k in group_by)
        result[key] = [int(row["n"]), int(row["c"] or 0), int(row["t"] or 0)]
    return result


def _percent(part: int, whole: int, places: str = "0.01") -> Decimal:
    if not whole:
        return Decimal(0).quantize(Decimal(places))
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal(places), ROUND_HALF_UP)


def contract_statistics(*, group_by: Sequence[str], filters: StatsFilter) -> ContractStats:
    """Count, contract amount and technology amount per group (one or two GROUP_KEYS),
    each group's share of the total contract amount (percent, 2 decimals) and, when a
    key is a period, year-on-year growth of the contract amount against the same group
    a year earlier (None when that year had nothing)."""
    keys = parse_group_by(list(group_by))
    current = _grouped(filters, keys)
    period = next((k for k in keys if k in PERIOD_KEYS), None)
    previous: dict[tuple[Any, ...], list[int]] = {}
    if period is not None:
        previous = _grouped(filters.shifted_back_one_year(), keys)
    stats = ContractStats(group_by=keys, filters=filters)
    for values in current.values():
        stats.count += values[0]
        stats.contract_fen += values[1]
        stats.technology_fen += values[2]
    for key, (n, c, t) in current.items():
        row = StatsRow(
            keys=dict(zip(keys, key, strict=True)),
            labels={k: _label(k, v) for k, v in zip(keys, key, strict=True)},
            count=n,
            contract_fen=c,
            technology_fen=t,
            share=_percent(c, stats.contract_fen),
        )
        if period is not None:
            earlier = tuple(
                _one_year_earlier(k, v) if k == period and v is not None else v
                for k, v in zip(keys, key, strict=True)
            )
            before = previous.get(earlier)
            if before and before[1]:
                row.growth = _percent(c - before[1], before[1])
        stats.rows.append(row)
    stats.rows.sort(key=lambda r: _sort_key(keys, r))
    return stats


def _sort_key(keys: list[str], row: StatsRow) -> tuple[Any, ...]:
    parts: list[Any] = []
    for key in keys:
        value = row.keys[key]
        if key in PERIOD_KEYS:
            parts.append(value if value is not None else 0)
        elif key == "field" and value in TechField.values:
            parts.append(TechField.values.index(value))
        elif key == "type" and value in ContractType.values:
            parts.append(ContractType.values.index(value))
        else:
            parts.append(-row.contract_fen if len(keys) == 1 else str(value))
    parts.append(str(row.keys))
    return tuple(parts)
