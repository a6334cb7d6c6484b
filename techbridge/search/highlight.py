"""Highlight matched terms in the ORIGINAL text (display keeps what the user wrote).

Terms are normalised tokens (simplified, half-width, lower-case); the text may be
traditional or full-width. Each character is mapped to its normalised form one to one,
the terms are found in that form, and the original characters are wrapped in <mark>.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from techbridge.text import to_simplified


def _comparable(text: str) -> str:
    chars = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch)
        chars.append(n if len(n) == 1 else ch)
    folded = "".join(chars)
    simplified = to_simplified(folded)
    # Phrase conversion may change the length (rarely); then fall back to per-character.
    if len(simplified) != len(folded):
        simplified = "".join(s if len(s := to_simplified(c)) == 1 else c for c in folded)
    return simplified.lower()


def spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of ``terms`` in ``text``, longest terms first."""
    comparable = _comparable(text)
    taken = [False] * len(text)
    found: list[tuple[int, int]] = []
    for term in sorted({t for t in terms if t}, key=len, reverse=True):
        start = comparable.find(term)
        while start != -1:
            end = start + len(term)
            if not any(taken[start:end]):
                found.append((start, end))
                for i in range(start, end):
                    taken[i] = True
            start = comparable.find(term, end)
    return sorted(found)


def highlight(text: str, terms: Iterable[str]) -> SafeString:
    """HTML-escaped ``text`` with every occurrence of ``terms`` in <mark>."""
    text = text or ""
    out: list[str] = []
    last = 0
    for start, end in spans(text, terms):
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


def snippet(text: str, terms: Iterable[str], width: int = 160) -> SafeString:
    """A window of ``text`` around its first matched term, highlighted."""
    text = " ".join((text or "").split())
    if len(text) <= width:
        return highlight(text, terms)
    found = spans(text, terms)
    start = max(0, found[0][0] - width // 4) if found else 0
    end = min(len(text), start + width)
    piece = text[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(f"{prefix}{highlight(piece, terms)}{suffix}")  # noqa: S308
