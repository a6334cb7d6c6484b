"""A server-rendered SVG chart of the supervision figures (no JavaScript, no CDN: the CSP
allows neither). Rates are drawn from the exact figures in the table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString

SERIES_COLOURS = ("#2f6fb0", "#1a7f37", "#9a6700")


def rate_bars(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | None]]],
    *,
    title: str,
) -> SafeString:
    """Horizontal bars on a 0–100 % scale: one group per label, one bar per series
    (name, values); a missing rate (nothing due) is drawn as “—”."""
    if not labels or not series:
        return SafeString("")
    width, label_w, bar_h, gap = 640, 170, 12, 10
    group_h = len(series) * (bar_h + 2) + gap
    legend_h = 22
    height = legend_h + len(labels) * group_h + 6
    scale = width - label_w - 60
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} '
        f'{height}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    x = label_w
    for index, (name, _values) in enumerate(series):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        parts.append(
            f'<rect x="{x}" y="4" width="10" height="10" fill="{colour}"></rect>'
            f'<text x="{x + 14}" y="13" font-size="11">{escape(name)}</text>'
        )
        x += 14 + 12 * len(name) + 20
    for row, label in enumerate(labels):
        top = legend_h + row * group_h
        parts.append(
            f'<text x="{label_w - 6}" y="{top + bar_h}" text-anchor="end" font-size="12">'
            f"{escape(label[:16])}</text>"
        )
        for index, (_name, values) in enumerate(series):
            value = values[row]
            y = top + index * (bar_h + 2)
            colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
            if value is None:
                parts.append(f'<text x="{label_w + 2}" y="{y + 10}" font-size="10">—</text>')
                continue
            length = max(1.0, scale * float(value) / 100)
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar_h}" '
                f'fill="{colour}"></rect>'
                f'<text x="{label_w + length + 4:.1f}" y="{y + 10}" font-size="10">'
                f"{escape(str(value))}%</text>"
            )
    parts.append("</svg>")
    return SafeString("".join(parts))
