"""Tokenisation of normalised Chinese/Latin text for search keys and search indexes.

Text is split into Han runs and everything else. Han runs go to jieba-rs (``rjieba``), whose
general dictionary is extended with :data:`techbridge.text.terms.DOMAIN_TERMS` and whatever
:func:`add_words` is given. The rest is tokenised by a regex that keeps model numbers and
hyphenated words whole ("Li-ion" -> "li-ion", "211Z" -> "211z", "12.5%" -> "12.5"), so jieba's
own handling of Latin (which splits "GB/T" into "GB", "/", "T" and keeps "%" on numbers) never
matters, and jieba only ever sees the text it is good at.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from techbridge.text.normalise import HAN, normalise
from techbridge.text.stopwords import STOP_WORDS
from techbridge.text.terms import DOMAIN_TERMS

if TYPE_CHECKING:
    import rjieba

# Group 1: a run of Han characters. Group 2: a Latin/digit word (any Unicode letter or digit
# that is not Han), optionally joined by "-", "_" or "." to further such words: "li-ion",
# "v1.2", "12.5". Punctuation and symbols match neither group and simply disappear.
_WORD_CHAR = f"[^\\W_{HAN}]"
_TOKEN = re.compile(f"([{HAN}]+)|({_WORD_CHAR}+(?:[-_.]{_WORD_CHAR}+)*)")
_HAN_CHAR = re.compile(f"[{HAN}]")
_HAN_RUN = re.compile(f"[{HAN}]{{2,}}")
_COMPOUND_SEPARATOR = re.compile(r"[-_]")

# rjieba releases the GIL while cutting, and add_word needs exclusive access to the dictionary:
# a concurrent add_word fails with "RuntimeError: Already borrowed". One lock around both keeps
# it simple; the cost is that threads segment one at a time (use processes for bulk indexing).
_lock = threading.Lock()
_jieba: rjieba.Jieba | None = None
_added: set[str] = set()


def _add_locked(jieba: rjieba.Jieba, words: Iterable[str]) -> int:
    added = 0
    for word in words:
        for run in _HAN_RUN.findall(normalise(word)):
            if run not in _added:
                # freq=None lets jieba-rs pick a frequency just high enough to keep the word whole.
                jieba.add_word(run, None, None)
                _added.add(run)
                added += 1
    return added


def _get_jieba() -> rjieba.Jieba:
    """Return the shared segmenter, building it with the domain terms on first use.

    Importing rjieba builds its module-level default instance (~75 ms, ~25 MB) and ours costs
    as much again, so both happen here rather than at import time of this module.
    """
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import rjieba

                # A private instance, so the words we add do not leak into other users of
                # rjieba, and their unlocked calls cannot collide with our add_word.
                jieba = rjieba.Jieba()
                _add_locked(jieba, DOMAIN_TERMS)
                _jieba = jieba
    return _jieba


def add_words(words: Iterable[str]) -> int:
    """Add domain words (keywords, code-list names, technical terms) to the segmenter.

    Each word is normalised first; its Han runs of two or more characters are what is added
    ("TC4钛合金" adds "钛合金": Latin never reaches jieba). Words already added are skipped,
    so calling this repeatedly with the same list is cheap. Returns how many were new.
    """
    jieba = _get_jieba()
    with _lock:
        return _add_locked(jieba, words)


def _tokens(text: str | None, *, normalised: bool, for_index: bool) -> list[str]:
    if not normalised:
        text = normalise(text)
    if not text:
        return []
    jieba = _get_jieba()
    cut = jieba.cut_for_search if for_index else jieba.cut
    tokens: list[str] = []
    append, extend = tokens.append, tokens.extend
    with _lock:
        for han, word in _TOKEN.findall(text):
            if han:
                # A lone character needs no segmenting; skipping the call saves ~0.3 µs each.
                if len(han) == 1:
                    append(han)
                else:
                    extend(cut(han))
            else:
                word = word.lower()
                append(word)
                if for_index and ("-" in word or "_" in word):
                    # "li-ion" is also indexed as "li" and "ion" so a query "li ion" matches.
                    extend(_COMPOUND_SEPARATOR.split(word))
    return [token for token in tokens if token not in STOP_WORDS]


def tokenise(text: str | None, *, normalised: bool = False) -> list[str]:
    """Split text into search tokens, in order, duplicates kept.

    ``text`` is normalised first unless ``normalised=True`` says it already is. Han text is
    segmented into words by jieba; other letters/digits form lower-cased words kept whole
    (``"CAE"`` -> ``"cae"``, ``"Li-ion"`` -> ``"li-ion"``). Stop words and punctuation are
    dropped; single Han characters that are not stop words are kept, as they help recall.
    Use this for queries; use :func:`tokenise_for_index` for documents.
    """
    return _tokens(text, normalised=normalised, for_index=False)


def tokenise_for_index(text: str | None, *, normalised: bool = False) -> list[str]:
    """Tokens for a search index: :func:`tokenise` plus sub-words of long compounds.

    Han runs are cut in jieba's search mode, which emits every dictionary word of two or three
    characters inside a longer word, then the word itself: "锂离子动力电池" gives "离子",
    "锂离子", "动力", "电池", "动力电池". Hyphenated Latin words add their parts. The result
    is a superset of ``tokenise(text)`` (jieba's search mode cuts the same way and only adds),
    so an exact query always matches, and a query for part of a compound matches too.
    """
    return _tokens(text, normalised=normalised, for_index=True)


def search_key(text: str | None) -> str:
    """Space-joined :func:`tokenise` output, e.g. for a database column used in lookups."""
    return " ".join(tokenise(text))


def is_meaningful(text: str | None) -> bool:
    """Whether ``text`` is worth searching for.

    False for empty text, punctuation, stop words only, and tokens that carry no information:
    a single Latin letter or digit, or one character repeated ("aaaa", "1111"). True as soon as
    one Han token, or one Latin/digit token with at least two different characters, remains.
    """
    return any(_HAN_CHAR.match(token) or len(set(token)) >= 2 for token in tokenise(text))
