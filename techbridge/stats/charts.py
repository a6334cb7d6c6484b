"""Server-rendered inline SVG charts (no JavaScript): horizontal bars and a line.

Values are plain numbers for drawing only; the exact amounts are in the tables beside.
Every text node is escaped, and the result is marked safe only after that.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString

from techbridge.stats.selectors import ContractStats


def _num(value: Decimal | int) -> float:
    return float(value)


def bar_chart(labels: Sequence[str], values: Sequence[Decimal | int], *, title: str) -> SafeString:
    """Horizontal bars, one per label, scaled to the largest value."""
    if not labels:
        return SafeString("")
    width, label_w, bar_h, gap = 640, 190, 18, 6
    height = len(labels) * (bar_h + gap) + 10
    top = max((_num(v) for v in values), default=0) or 1
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} '
        f'{height}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 5 + i * (bar_h + gap)
        length = max(1.0, (width - label_w - 90) * _num(value) / top)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" font-size="12">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar_h}" '
            f'fill="#2f6fb0"></rect>'
            f'<text x="{label_w + length + 4:.1f}" y="{y + 13}" font-size="11">'
            f"{escape(_short(value))}</text>"
        )
    parts.append("</svg>")
    return SafeString("".join(parts))


def line_chart(labels: Sequence[str], values: Sequence[Decimal | int], *, title: str) -> SafeString:
    """A trend line over periods with the first and last labels on the axis."""
    if not labels:
        return SafeString("")
    width, height, pad = 640, 200, 30
    top = max((_num(v) for v in values), default=0) or 1
    step = (width - 2 * pad) / max(1, len(values) - 1)
    points = " ".join(
        f"{pad + i * step:.1f},{height - pad - (height - 2 * pad) * _num(v) / top:.1f}"
        for i, v in enumerate(values)
    )
    return SafeString(
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} '
        f'{height}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        f'stroke="#999"></line>'
        f'<polyline fill="none" stroke="#2f6fb0" stroke-width="2" points="{points}"></polyline>'
        f'<text x="{pad}" y="{height - 8}" font-size="11">{escape(labels[0])}</text>'
        f'<text x="{width - pad}" y="{height - 8}" font-size="11" text-anchor="end">'
        f"{escape(labels[-1])}</text>"
        f'<text x="{pad}" y="{pad - 10}" font-size="11">{escape(_short(max(values)))}</text>'
        "</svg>"
    )


def _short(value: Decimal | int) -> str:
    number = Decimal(value)
    if number >= 100_000_000:
        return f"{number / 100_000_000:.1f}亿"
    if number >= 10_000:
        return f"{number / 10_000:.1f}万"
    return f"{number:.0f}"


def stats_bars(stats: ContractStats, key: str, *, title: str) -> SafeString:
    return bar_chart(
        [r.labels[key] for r in stats.rows], [r.contract_amount for r in stats.rows], title=title
    )


def stats_line(stats: ContractStats, key: str, *, title: str) -> SafeString:
    return line_chart(
        [r.labels[key] for r in stats.rows], [r.contract_amount for r in stats.rows], title=title
    )


def flow_matrix(stats: ContractStats) -> dict[str, object]:
    """Seller regions × buyer regions for a template table; cells carry an opacity."""
    sellers = sorted({r.keys["seller_region"] for r in stats.rows})
    buyers = sorted({r.keys["buyer_region"] for r in stats.rows})
    labels = {}
    cells = {}
    top = max((r.contract_fen for r in stats.rows), default=0) or 1
    for r in stats.rows:
        labels[r.keys["seller_region"]] = r.labels["seller_region"]
        labels[r.keys["buyer_region"]] = r.labels["buyer_region"]
        cells[(r.keys["seller_region"], r.keys["buyer_region"])] = r
    rows = [
        {
            "label": labels[s],
            "cells": [
                {
                    "row": cells.get((s, b)),
                    # background opacity 0.05–0.6 by the cell's share of the largest flow
                    "alpha": f"{0.05 + 0.55 * cells[(s, b)].contract_fen / top:.2f}"
                    if (s, b) in cells
                    else "0",
                }
                for b in buyers
            ],
        }
        for s in sellers
    ]
    return {"buyers": [labels[b] for b in buyers], "rows": rows}
