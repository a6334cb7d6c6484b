"""Pinyin spellings of code-list names, for type-ahead by letters ("gy", "guiyang" → 贵阳市).

Computed once when the lists are loaded (``services.load_code_lists``) and stored in
indexed columns, so a keystroke is a prefix lookup, not a conversion (ADR 0015).
Plain Python: pypinyin's phrase dictionary reads place names the way people say them
(重庆 chongqing, 长春 changchun, 厦门 xiamen); characters that are not Chinese keep their
letters and digits, punctuation is dropped.
"""

from __future__ import annotations

from pypinyin import lazy_pinyin

__all__ = ["initials", "letters", "spell"]


def _clean(parts: list[str]) -> list[str]:
    return [part for part in (letters(p) for p in parts) if part]


def letters(text: str) -> str:
    """What the user typed as a letter query: lower-case ASCII letters and digits only
    ("G Y" → "gy", "Gui-yang" → "guiyang")."""
    return "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum())


def spell(name: str) -> tuple[str, str]:
    """(initials, full pinyin) of a name: "贵阳市" → ("gys", "guiyangshi")."""
    syllables = _clean(lazy_pinyin(name, errors="default"))
    return "".join(s[0] for s in syllables), "".join(syllables)


def initials(name: str) -> str:
    """The first letter of each syllable: "农、林、牧、渔业" → "nlmyy"."""
    return spell(name)[0]
