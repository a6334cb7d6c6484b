"""Recognise Hanyu Pinyin annotations such as ``(chuàng)`` or ``(gui4 yang2)``.

Used by :mod:`techbridge.text.normalise` to strip reading aids that some data sources put after
Chinese characters. The decision is deliberately conservative: a bracket group is pinyin only if
*every* syllable in it is a real Mandarin syllable, so ``(CAE)``, ``(Li-ion)``, ``(2023)`` or
``(ion)`` are never taken for pinyin.
"""

from __future__ import annotations

import re

# Finals that combine with each initial, as in the standard Hanyu Pinyin syllable table.
# "v" is the keyboard spelling of "ü" and is accepted as a spelling variant further down.
_FINALS_BY_INITIAL: dict[str, str] = {
    "": "a o e ai ei ao ou an en ang eng er",
    "y": "i a e ao ou an in ang ing ong u ue uan un",
    "w": "u a o ai ei an en ang eng",
    "b": "a o ai ei ao an en ang eng i ie iao ian in ing u",
    "p": "a o ai ei ao ou an en ang eng i ie iao ian in ing u",
    "m": "a o e ai ei ao ou an en ang eng i ie iao iu ian in ing u",
    "f": "a o ei ou an en ang eng u",
    "d": "a e ai ei ao ou an en ang eng ong i ia ie iao iu ian ing u uo ui uan un",
    "t": "a e ai ei ao ou an eng ong i ie iao ian ing u uo ui uan un",
    "n": "a e ai ei ao ou an en ang eng ong i ie iao iu ian in iang ing u uo uan ü üe",
    "l": "a o e ai ei ao ou an ang eng ong i ia ie iao iu ian in iang ing u uo uan un ü üe",
    "g": "a e ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "k": "a e ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "h": "a e ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "j": "i ia ie iao iu ian in iang ing iong u ue uan un",
    "q": "i ia ie iao iu ian in iang ing iong u ue uan un",
    "x": "i ia ie iao iu ian in iang ing iong u ue uan un",
    "zh": "a e i ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "ch": "a e i ai ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "sh": "a e i ai ei ao ou an en ang eng u ua uo uai ui uan un uang",
    "r": "e i ao ou an en ang eng ong u ua uo ui uan un",
    "z": "a e i ai ei ao ou an en ang eng ong u uo ui uan un",
    "c": "a e i ai ao ou an en ang eng ong u uo ui uan un",
    "s": "a e i ai ao ou an en ang eng ong u uo ui uan un",
}


def _build_syllables() -> frozenset[str]:
    syllables = {
        initial + final
        for initial, finals in _FINALS_BY_INITIAL.items()
        for final in finals.split()
    }
    # Keyboard spelling: "lv", "nve" for "lü", "nüe".
    syllables |= {s.replace("ü", "v") for s in syllables if "ü" in s}
    return frozenset(syllables)


SYLLABLES: frozenset[str] = _build_syllables()

# Tone-marked vowels (precomposed, which is what NFKC produces) mapped to their bare vowel.
_TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_TONE_BASES = "aaaaeeeeiiiioooouuuuüüüünnnm"
_STRIP_TONES = str.maketrans(_TONE_MARKS + _TONE_MARKS.upper(), _TONE_BASES + _TONE_BASES.upper())
_HAS_TONE_MARK = re.compile(f"[{_TONE_MARKS}{_TONE_MARKS.upper()}]")

# Longest alternatives first so the regex engine tries "zhuang" before "zhu" (fewer backtracks).
_SYLLABLE_ALT = "|".join(sorted(SYLLABLES, key=lambda s: (-len(s), s)))
# One "word" of a pinyin annotation: one or more syllables, each optionally with a tone digit.
_WORD = re.compile(f"(?:(?:{_SYLLABLE_ALT})[1-5]?)+")
# Separators allowed between pinyin words.
_SEPARATORS = re.compile(r"[ '’]+")


def is_pinyin(content: str) -> bool:
    """Return True if ``content`` (text between brackets) is a pinyin annotation.

    Rule: after removing tone marks, every space/apostrophe-separated word must split into valid
    Mandarin syllables, each optionally followed by a tone digit 1-5. In addition either

    * the text carries a tone mark (``chuàng``, ``Guìyáng``; capitals are then allowed), or
    * it is all lower case and carries a tone digit (``gui4 yang2``), or
    * it is all lower case and has at least two letters (``guiyang``; this excludes the list
      markers ``(a)``, ``(e)``, ``(o)``).

    So ``CAE``, ``Li-ion``, ``2023``, ``ion`` and ``pH`` are not pinyin. Known false positive:
    a lower-case abbreviation that happens to spell syllables, e.g. ``(lan)``.
    """
    content = content.strip(" '’")
    if not content:
        return False
    has_mark = _HAS_TONE_MARK.search(content) is not None
    if not has_mark and not content.islower():
        return False
    bare = content.translate(_STRIP_TONES).lower()
    words = _SEPARATORS.split(bare)
    if not all(_WORD.fullmatch(word) for word in words):
        return False
    if has_mark:
        return True
    letters = sum(ch.isalpha() for ch in bare)
    return letters >= 2
