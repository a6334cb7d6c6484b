"""Display-neutral normalisation of Chinese (and mixed Chinese/Latin) text.

:func:`normalise` maps the many spellings of the same text that turn up in imported data -
traditional characters, full-width Latin, stray spaces from pre-segmented text, pinyin reading
aids, invisible control characters - onto one canonical form. Case is kept, so the result can
still be shown to users; :mod:`techbridge.text.tokenise` lower-cases when building search keys.
"""

from __future__ import annotations

import re
import threading
import unicodedata

import opencc

from techbridge.text.pinyin import is_pinyin

# Han ideographs: 〇, Extension A, the URO, compatibility ideographs, Extensions B-H.
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Characters written without spaces between them: Han plus CJK punctuation, kana and the
# full-width block (the parts of it NFKC leaves alone, such as half-width katakana).
CJK = HAN + "\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\ufe30-\ufe4f\uff00-\uffef"

# A space is dropped only when both neighbours are CJK; "machine vision" or "5G 通信" keep theirs.
_CJK_SPACE = re.compile(f"(?<=[{CJK}]) (?=[{CJK}])")
# One or more adjacent bracket groups right after a Han character; the callback decides which
# of them are pinyin. Matching the whole run at once keeps normalise idempotent: removing
# "(chuàng)" from "创(chuàng)(xīn)" in one pass must not leave a fresh "创(xīn)" for a second.
_BRACKET_RUN = re.compile(f"(?<=[{HAN}])((?:\\([^()]{{1,60}}\\))+)")
_BRACKET_GROUP = re.compile(r"\([^()]*\)")


def _control_class() -> str:
    """Regex class of format/control characters (categories Cc, Cf) that are not whitespace.

    Whitespace controls (tab, newline, CR, ...) are left for ``str.split`` to turn into spaces.
    Only planes 0, 1 and 14 are scanned: the others hold no Cc/Cf characters, and scanning all
    1.1 M code points would add ~75 ms to import time.
    """
    ranges: list[tuple[int, int]] = []
    for start, stop in ((0, 0x20000), (0xE0000, 0xF0000)):
        for cp in range(start, stop):
            ch = chr(cp)
            if unicodedata.category(ch) in ("Cc", "Cf") and not ch.isspace():
                if ranges and ranges[-1][1] == cp - 1:
                    ranges[-1] = (ranges[-1][0], cp)
                else:
                    ranges.append((cp, cp))
    return "".join(
        re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges
    )


_CONTROL = re.compile(f"[{_control_class()}]")

_converter: opencc.OpenCC | None = None
_converter_lock = threading.Lock()
# Rounds of re-conversion in to_simplified; real chains are two steps long (see there).
_MAX_T2S_ROUNDS = 4


def _get_converter() -> opencc.OpenCC:
    """Create the shared OpenCC t2s converter on first use (loading it takes ~10 ms)."""
    global _converter
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                # include_tofu_risk_dictionaries=False: do not map rare traditional characters to
                # Extension B+ simplified forms that most fonts cannot display (tofu boxes).
                _converter = opencc.OpenCC("t2s", include_tofu_risk_dictionaries=False)
    return _converter


def to_simplified(text: str) -> str:
    """Convert traditional Chinese to simplified with OpenCC's phrase-level ``t2s`` config.

    ``t2s`` is not idempotent on its own: its output can contain characters or phrases that it
    converts again. OpenCC 1.4.2 examples: 薴 -> 苧 -> 苎 (character table) and
    么麼 -> 幺麽 -> 幺么 (phrase table). So conversion is repeated until the text stops changing;
    text that is already simplified costs one conversion and one string comparison.

    The OpenCC converter is read-only after construction, so sharing it between threads is safe.
    """
    converter = _get_converter()
    out: str = converter.convert(text)
    for _ in range(_MAX_T2S_ROUNDS):
        if out == text:
            break
        text, out = out, converter.convert(out)
    return out


def _drop_pinyin(match: re.Match[str]) -> str:
    groups = _BRACKET_GROUP.findall(match.group(1))
    keep_from = 0
    # Only the groups directly attached to the Han character (the leading ones) can be pinyin.
    while keep_from < len(groups) and is_pinyin(groups[keep_from][1:-1]):
        keep_from += 1
    return "".join(groups[keep_from:])


def strip_pinyin(text: str) -> str:
    """Remove pinyin annotations written in brackets directly after a Han character.

    ``"創(chuàng)新"`` -> ``"創新"``; ``"仿真(CAE)"`` is unchanged. Expects ASCII brackets, i.e.
    text that has been through NFKC; see :func:`techbridge.text.pinyin.is_pinyin` for the rule.
    """
    if "(" not in text:
        return text
    return _BRACKET_RUN.sub(_drop_pinyin, text)


def normalise(text: str | None) -> str:
    """Return the canonical form of ``text`` (``""`` for ``None`` or empty input).

    Steps, in this order (the order matters for idempotence):

    1. drop control and format characters (zero-width space, BOM, bidi marks, soft hyphen...);
       done before NFKC because removing a zero-width joiner can enable a composition;
    2. Unicode NFKC: full-width ``ＡＢＣ１２３（），`` become ``ABC123(),``; ``。、《》`` stay;
    3. remove bracketed pinyin after Han characters (``創(chuàng)新`` -> ``創新``);
    4. traditional -> simplified with OpenCC ``t2s`` (``鋰離子電池`` -> ``锂离子电池``);
    5. collapse every run of whitespace (including tab/newline) to one space and strip;
    6. delete spaces between two CJK characters (``首都 科技 平台`` -> ``首都科技平台``).

    Case is preserved. ASCII-only input skips the Unicode work entirely.
    """
    if not text:
        return ""
    if text.isascii():
        # Nothing for NFKC, OpenCC or the CJK rules to do: only controls and whitespace.
        if _CONTROL.search(text):
            text = _CONTROL.sub("", text)
        return " ".join(text.split())
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    text = strip_pinyin(text)
    text = to_simplified(text)
    text = " ".join(text.split())
    if " " in text:
        text = _CJK_SPACE.sub("", text)
    return text
