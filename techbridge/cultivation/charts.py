"""Server-rendered SVG charts for the cohort dashboard (no script, no CDN): moves up the
ladder per year with the part that used the platform before, and enterprises per tier.
Every text node is escaped before the result is marked safe; the exact figures are in
the tables beside the charts."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from techbridge.cultivation.selectors import YearMoves

MOVES_COLOUR = "#b9cde4"
ENGAGED_COLOUR = "#0b5cad"
TIER_COLOUR = "#1a7f37"


def _width(value: int, top: int, room: int) -> Decimal:
    return (Decimal(room) * value / top).quantize(Decimal("0.1")) if top else Decimal(0)


def moves_chart(rows: Sequence[YearMoves], *, title: str) -> SafeString:
    """Per year: all moves up (pale) and the movers that took part in matchmaking, deals
    or sharing before (blue), on one scale, with the share."""
    if not rows:
        return SafeString("")
    width, bar_h, label_h, gap, legend_h = 360, 12, 18, 12, 26
    row_h = label_h + 2 * bar_h + gap
    height = legend_h + len(rows) * row_h
    top = max(r.moves for r in rows) or 1
    room = width - 40
    parts = [
        f'<svg class="kpi-chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    ]
    x = 0
    for colour, label in (
        (MOVES_COLOUR, _("Moved up")),
        (ENGAGED_COLOUR, _("Used the platform before")),
    ):
        parts.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"></rect>'
            f'<text x="{x + 16}" y="16" font-size="12">{escape(label)}</text>'
        )
        x += 120
    for i, row in enumerate(rows):
        y = legend_h + i * row_h
        share = row.engaged_share
        share_text = "—" if share is None else f"{share}%"
        parts.append(
            f'<text x="0" y="{y + 13}" font-size="13" font-weight="600">{row.year}</text>'
            f'<text x="{width}" y="{y + 13}" font-size="12" text-anchor="end">'
            f"{escape(share_text)}</text>"
        )
        for j, (value, colour) in enumerate(
            ((row.moves, MOVES_COLOUR), (row.engaged, ENGAGED_COLOUR))
        ):
            w = max(_width(value, top, room), Decimal("1"))
            by = y + label_h + j * bar_h
            parts.append(
                f'<rect x="0" y="{by}" width="{w}" height="{bar_h - 2}" fill="{colour}">'
                f"<title>{value}</title></rect>"
                f'<text x="{w + 4}" y="{by + bar_h - 3}" font-size="10">{value}</text>'
            )
    parts.append("</svg>")
    return SafeString("".join(parts))


def tiers_chart(counts: Sequence[tuple[str, int]], *, title: str) -> SafeString:
    """One bar per tier (label above the bar, so a phone keeps the width)."""
    if not counts or not any(n for _label, n in counts):
        return SafeString("")
    width, bar_h, label_h, gap = 360, 12, 18, 8
    row_h = label_h + bar_h + gap
    height = len(counts) * row_h
    top = max(n for _label, n in counts) or 1
    room = width - 40
    parts = [
        f'<svg class="kpi-chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    ]
    for i, (label, n) in enumerate(counts):
        y = i * row_h
        w = max(_width(n, top, room), Decimal("1"))
        parts.append(
            f'<text x="0" y="{y + 13}" font-size="13">{escape(label)}</text>'
            f'<rect x="0" y="{y + label_h}" width="{w}" height="{bar_h - 2}" '
            f'fill="{TIER_COLOUR}"><title>{n}</title></rect>'
            f'<text x="{w + 4}" y="{y + label_h + bar_h - 3}" font-size="10">{n}</text>'
        )
    parts.append("</svg>")
    return SafeString("".join(parts))
