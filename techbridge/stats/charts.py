"""Server-rendered inline SVG charts (no JavaScript): horizontal bars and a line.

Values are plain numbers for drawing only; the exact amounts are in the tables beside.
Every text node is escaped, and the result is marked safe only after that.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from techbridge.stats.formatting import amount_short
from techbridge.stats.selectors import ContractStats


def _num(value: Decimal | int) -> float:
    return float(value)


def _figure(label: str, text: str) -> str:
    return _("%(label)s: %(figure)s") % {"label": label, "figure": text}


def _figures_separator() -> str:
    return "；" if (get_language() or "zh").startswith("zh") else "; "


def _open(title: str, width: int, height: int, labels: Sequence[str], texts: Sequence[str]) -> str:
    """The <svg> head: an image named by its title and described by its figures, so a
    screen reader hears "现代交通：21.86亿元；…" rather than nothing."""
    desc = _figures_separator().join(
        _figure(label, text) for label, text in zip(labels, texts, strict=True)
    )
    return (
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} '
        f'{height}" width="100%" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"
    )


def bar_chart(
    labels: Sequence[str],
    values: Sequence[Decimal | int],
    *,
    title: str,
    texts: Sequence[str] | None = None,
) -> SafeString:
    """Horizontal bars, one per label, scaled to the largest value; ``texts`` are the
    figures written beside the bars and in the description (the values by default)."""
    if not labels:
        return SafeString("")
    texts = list(texts) if texts is not None else [str(v) for v in values]
    # Drawn 600 wide and scaled to the box: at a 390 px phone the text is still ~8 px.
    width, label_w, value_w, bar_h, gap = 600, 170, 130, 20, 6
    height = len(labels) * (bar_h + gap) + 10
    top = max((_num(v) for v in values), default=0) or 1
    parts = [_open(title, width, height, labels, texts)]
    for i, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        y = 5 + i * (bar_h + gap)
        length = max(1.0, (width - label_w - value_w) * _num(value) / top)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" font-size="13">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar_h}" '
            f'fill="#2f6fb0"></rect>'
            f'<text x="{label_w + length + 4:.1f}" y="{y + 14}" font-size="12">'
            f"{escape(text)}</text>"
        )
    parts.append("</svg>")
    return SafeString("".join(parts))


def line_chart(
    labels: Sequence[str],
    values: Sequence[Decimal | int],
    *,
    title: str,
    texts: Sequence[str] | None = None,
) -> SafeString:
    """A trend line over periods, a dot per period (its figure as a tooltip), the first
    and last labels on the axis and the largest figure at the top."""
    if not labels:
        return SafeString("")
    texts = list(texts) if texts is not None else [str(v) for v in values]
    width, height, pad = 600, 220, 34
    top = max((_num(v) for v in values), default=0) or 1
    step = (width - 2 * pad) / max(1, len(values) - 1)
    points = [
        (pad + i * step, height - pad - (height - 2 * pad) * _num(v) / top)
        for i, v in enumerate(values)
    ]
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#2f6fb0">'
        f"<title>{escape(_figure(label, text))}</title></circle>"
        for (x, y), label, text in zip(points, labels, texts, strict=True)
    )
    peak = max(range(len(values)), key=lambda i: _num(values[i]))
    highest = _("Highest: %(label)s, %(amount)s") % {"label": labels[peak], "amount": texts[peak]}
    return SafeString(
        _open(title, width, height, labels, texts)
        + f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        f'stroke="#999"></line>'
        f'<polyline fill="none" stroke="#2f6fb0" stroke-width="2" '
        f'points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in points)}"></polyline>'
        f"{dots}"
        f'<text x="{pad}" y="{height - 10}" font-size="13">{escape(labels[0])}</text>'
        f'<text x="{width - pad}" y="{height - 10}" font-size="13" text-anchor="end">'
        f"{escape(labels[-1])}</text>"
        f'<text x="{pad}" y="{pad - 14}" font-size="13">'
        f"{escape(highest)}"
        "</text></svg>"
    )


def stats_bars(stats: ContractStats, key: str, *, title: str) -> SafeString:
    """Contract amount per group of a one-key table, each bar labelled with its amount."""
    return bar_chart(
        [r.labels[key] for r in stats.rows],
        [r.contract_amount for r in stats.rows],
        title=title,
        texts=[amount_short(r.contract_amount) for r in stats.rows],
    )


def stats_line(stats: ContractStats, key: str, *, title: str) -> SafeString:
    """Contract amount per period of a period table."""
    return line_chart(
        [r.labels[key] for r in stats.rows],
        [r.contract_amount for r in stats.rows],
        title=title,
        texts=[amount_short(r.contract_amount) for r in stats.rows],
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
