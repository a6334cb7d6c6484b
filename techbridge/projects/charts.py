"""A server-rendered SVG bar chart for the KPI dashboard and the briefing (no script, no
CDN). Geometry only uses the numbers; the exact figures are in the tables beside it.
Every text node is escaped before the result is marked safe."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import pgettext

from techbridge.projects.kpis import Kpi

SIGNED_COLOUR = "#b9cde4"
STARTED_COLOUR = "#0b5cad"
PRODUCTION_COLOUR = "#1a7f37"


def _width(value: int, top: int, room: int) -> Decimal:
    return (Decimal(room) * value / top).quantize(Decimal("0.1")) if top else Decimal(0)


def progress_chart(rows: Sequence[Kpi], *, title: str) -> SafeString:
    """Per row: its name, then signed (pale), started (blue) and in production (green)
    as bars of one scale with their counts, and the start rate. Names sit above the bars
    so a phone keeps the whole width for them."""
    if not rows:
        return SafeString("")
    width, bar_h, label_h, gap, legend_h = 480, 12, 20, 14, 26
    row_h = label_h + 3 * bar_h + gap
    height = legend_h + len(rows) * row_h
    top = max(r.signed for r in rows) or 1
    room = width - 60
    parts = [
        f'<svg class="kpi-chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    ]
    x = 0
    for colour, label in (
        (SIGNED_COLOUR, pgettext("project stage", "Signed")),
        (STARTED_COLOUR, pgettext("project stage", "Started")),
        (PRODUCTION_COLOUR, pgettext("project stage", "In production")),
    ):
        parts.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"></rect>'
            f'<text x="{x + 16}" y="16" font-size="13">{escape(label)}</text>'
        )
        x += 110
    for i, row in enumerate(rows):
        y = legend_h + i * row_h
        rate = row.start_rate
        rate_text = "—" if rate is None else f"{rate}%"
        label = row.label if len(row.label) <= 24 else row.label[:23] + "…"
        parts.append(
            f'<text x="0" y="{y + 14}" font-size="13" font-weight="600">{escape(label)}'
            f"<title>{escape(row.label)}</title></text>"
            f'<text x="{width}" y="{y + 14}" font-size="13" text-anchor="end">'
            f"{escape(rate_text)}</text>"
        )
        for j, (value, colour) in enumerate(
            (
                (row.signed, SIGNED_COLOUR),
                (row.started, STARTED_COLOUR),
                (row.in_production, PRODUCTION_COLOUR),
            )
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
