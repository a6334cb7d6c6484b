"""A server-rendered SVG of one figure's year (no script, no CDN): the running total month by
month as bars, the target as a dashed line and a steady pace as a thin diagonal. The exact
figures are in the table beside it; every text node is escaped."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString

WIDTH, HEIGHT, BASE = 240, 64, 52
MONTH_COLOUR, AHEAD_COLOUR, BEHIND_COLOUR, TARGET_COLOUR = (
    "#b9cde4",
    "#1a7f37",
    "#0b5cad",
    "#c0392b",
)


def _y(value: int, top: int) -> Decimal:
    if not top:
        return Decimal(BASE)
    return (Decimal(BASE) - Decimal(BASE - 6) * value / top).quantize(Decimal("0.1"))


def trend_chart(
    cumulative: list[int], *, target: int | None, months_shown: int, title: str
) -> SafeString:
    """Twelve bars of the running total (months after ``months_shown`` left empty)."""
    top = max([*cumulative, target or 0, 1])
    step = Decimal(WIDTH) / 12
    parts = [
        f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="none">',
        f"<title>{escape(title)}</title>",
    ]
    for i, value in enumerate(cumulative[:months_shown]):
        x = (step * i + 1).quantize(Decimal("0.1"))
        y = _y(value, top)
        height = (Decimal(BASE) - y).quantize(Decimal("0.1"))
        ahead = target is None or value * 12 >= target * (i + 1)
        colour = AHEAD_COLOUR if ahead else BEHIND_COLOUR
        w = (step - 2).quantize(Decimal("0.1"))
        parts.append(f'<rect x="{x}" y="{y}" width="{w}" height="{height}" fill="{colour}"/>')
    if target:
        y = _y(target, top)
        parts.append(
            f'<line x1="0" y1="{y}" x2="{WIDTH}" y2="{y}" stroke="{TARGET_COLOUR}" '
            'stroke-dasharray="4 3" stroke-width="1.5"/>'
        )
        parts.append(
            f'<line x1="0" y1="{BASE}" x2="{WIDTH}" y2="{y}" stroke="{TARGET_COLOUR}" '
            'stroke-opacity="0.35" stroke-width="1"/>'
        )
    for i in (0, 5, 11):
        x = (step * i + step / 2).quantize(Decimal("0.1"))
        parts.append(
            f'<text x="{x}" y="{HEIGHT - 2}" font-size="9" text-anchor="middle" '
            f'fill="#555">{i + 1}</text>'
        )
    parts.append("</svg>")
    return SafeString("".join(parts))
