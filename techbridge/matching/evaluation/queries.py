"""Query classes built at run time from the corpus, their script variants and the split.

Classes (each query knows the record it must find):

- ``title``: a paper's title → the paper.
- ``keywords``: a record's keywords, space-separated → the record.
- ``problem``: the "针对…" / "为了…" / "为解决…" clause of an abstract → its record.
- ``paragraph``: two or three consecutive sentences from the middle of an abstract, wrapped
  in the words an enterprise uses ("我单位…希望寻求…合作") → its record.
- ``phrase``: a distinctive 4–8-character phrase from inside a long report (made of words
  that are common on their own) → the report.
- ``topical``: a titled paper → records of its discipline (share of the top 10).
- ``demand``: a demand posted from a paragraph → the record it was cut from, through
  ``/api/v1/demands/{id}/matches`` and ``POST /api/v1/match``.

Variants: every query also in traditional script (OpenCC s2t) and in traditional script with
pinyin annotations after some characters ("創(chuàng)新"). The annotations are valid Hanyu
Pinyin syllables with tone marks chosen by a hash, not each character's true reading (no
reading dictionary ships with the project); the normaliser recognises pinyin by its shape,
so what is measured — annotations stripped or not — is the same.

Split: a query's half is decided by a hash of the record it was cut from, so variants and
classes of one record always fall in the same half; tune only on ``tune``, report ``held``.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace

from techbridge.matching.evaluation.data import Record, sentences
from techbridge.text import tokenise
from techbridge.text.normalise import HAN

CLASSES = ("title", "keywords", "problem", "paragraph", "phrase", "topical", "demand")
VARIANTS = ("simplified", "traditional", "pinyin")
MIN_QUERIES = 150

_CLAUSE = re.compile(r"(?:针对|为了|为解决)[^，。；,;.!?！？：:\n]{6,80}")
_HAN_ONLY = re.compile(f"[{HAN}]+")
_WRAPPERS = (
    "我单位在生产中遇到以下问题：{body}希望寻求高校或科研院所开展技术合作。",
    "我单位是一家科技型企业，{body}现希望寻求有关单位合作解决。",
    "我单位近期在项目实施中发现，{body}希望寻求技术合作伙伴，共同攻关。",
    "我单位的需求如下。{body}希望寻求成熟技术或合作开发。",
)


@dataclass(frozen=True)
class Query:
    qid: str
    cls: str
    text: str
    target: str  # external_id of the record to find ("" for topical)
    source: str  # external_id the query was cut from (the split follows it)
    variant: str = "simplified"
    title: str = ""  # demand queries: the demand's title (its summary is ``text``)

    @property
    def half(self) -> str:
        return "tune" if zlib.crc32(self.source.encode()) % 2 == 0 else "held"


def problem_clause(abstract: str) -> str:
    """The first "针对/为了/为解决 …" clause of an abstract, or ""."""
    found = _CLAUSE.search(abstract or "")
    return found.group(0) if found and len(found.group(0)) >= 10 else ""


def middle_sentences(abstract: str, rng: random.Random) -> str:
    """Two or three consecutive sentences from the middle of an abstract (≥ 4 sentences)."""
    parts = sentences(abstract)
    if len(parts) < 4:
        return ""
    n = 2 if len(parts) < 6 else rng.choice((2, 3))
    start = max(1, len(parts) // 2 - n // 2)
    body = "".join(parts[start : start + n])
    return body if 20 <= len(body) <= 400 else ""


def wrap(body: str, rng: random.Random) -> str:
    return rng.choice(_WRAPPERS).format(body=body)


def _phrase_candidates(text: str) -> list[tuple[str, list[str]]]:
    """Runs of consecutive words (4–8 Han characters together) of ``text``."""
    out = []
    for run in _HAN_ONLY.findall(text):
        words = tokenise(run)
        for i in range(len(words)):
            for j in range(i + 2, min(i + 5, len(words)) + 1):
                phrase = "".join(words[i:j])
                if 4 <= len(phrase) <= 8 and phrase in run:
                    out.append((phrase, words[i:j]))
    return out


def distinctive_phrases(
    report: Record,
    components: dict[str, Record],
    corpus_text: str,
    word_count: Callable[[str], int],
    rng: random.Random,
    *,
    per_report: int = 2,
) -> list[str]:
    """Phrases of ``report`` found in at most 2 places of the corpus (its component abstract
    and at most one other; the report itself not counted), made of at least two words that
    each occur in 5 or more records on their own — the "技术合同认定登记" case. A keyword
    of the component that its text contains is preferred (keywords are what people search
    for), else a run of words. Never from the first component (the report's opening, whose
    keywords the report carries) and never in the report's title."""
    chosen: list[str] = []
    ids = report.components[1:]
    rng.shuffle(ids)
    for external_id in ids:
        if len(chosen) >= per_report:
            break
        component = components[external_id]
        keyword_runs = []
        for keyword in component.keywords:
            fits = _HAN_ONLY.fullmatch(keyword) and 4 <= len(keyword) <= 8
            if fits and keyword in component.summary:
                keyword_runs.append((keyword, tokenise(keyword)))
        runs = _phrase_candidates(component.summary)
        rng.shuffle(runs)
        for phrase, words in [*keyword_runs, *runs]:
            if len(words) < 2 or phrase in report.title or any(phrase in c for c in chosen):
                continue
            if min(word_count(w) for w in words) < 5:
                continue
            if corpus_text.count(phrase) > 2:
                continue
            chosen.append(phrase)
            break
    return chosen


def build(
    records: list[Record],
    reports: list[Record],
    *,
    per_class: int,
    seed: int = 17,
) -> dict[str, list[Query]]:
    """Simplified-script queries of every class (at most ``per_class`` each), keyed by class."""
    rng = random.Random(seed)
    out: dict[str, list[Query]] = {cls: [] for cls in CLASSES}
    titled = [r for r in records if r.has_title]
    for r in titled:
        out["title"].append(
            Query(f"title:{r.external_id}", "title", r.title, r.external_id, r.external_id)
        )
    for r in records:
        if len(r.keywords) >= 2:
            out["keywords"].append(
                Query(
                    f"kw:{r.external_id}",
                    "keywords",
                    " ".join(r.keywords),
                    r.external_id,
                    r.external_id,
                )
            )
        clause = problem_clause(r.summary)
        if clause:
            out["problem"].append(
                Query(f"problem:{r.external_id}", "problem", clause, r.external_id, r.external_id)
            )
        body = middle_sentences(r.summary, rng)
        if body:
            text = wrap(body, rng)
            out["paragraph"].append(
                Query(f"para:{r.external_id}", "paragraph", text, r.external_id, r.external_id)
            )
            demand_title = clause or sentences(body)[0]
            demand_title = re.sub(r"^(针对|为了|为解决)", "", demand_title).strip("，,。 ")[:40]
            out["demand"].append(
                Query(
                    f"demand:{r.external_id}",
                    "demand",
                    wrap(body, rng),
                    r.external_id,
                    r.external_id,
                    title=demand_title,
                )
            )
    for r in titled:
        if r.discipline:
            text = f"{r.title} {' '.join(r.keywords)} {r.summary}"
            out["topical"].append(
                Query(f"topic:{r.external_id}", "topical", text, "", r.external_id)
            )
    # Phrases: words counted over the short records (how common each word is on its own).
    word_df: dict[str, int] = {}
    for r in records:
        for w in set(tokenise(r.summary)):
            word_df[w] = word_df.get(w, 0) + 1
    corpus_text = "\n".join(r.summary for r in records) + "\n" + "\n".join(r.title for r in records)
    by_id = {r.external_id: r for r in records}
    for report in reports:
        for n, phrase in enumerate(
            distinctive_phrases(report, by_id, corpus_text, lambda w: word_df.get(w, 0), rng)
        ):
            out["phrase"].append(
                Query(
                    f"phrase:{report.external_id}:{n}",
                    "phrase",
                    phrase,
                    report.external_id,
                    report.external_id,
                )
            )
    for cls, items in out.items():
        if len(items) > per_class:
            out[cls] = sorted(
                random.Random(f"{seed}:{cls}").sample(items, per_class), key=lambda q: q.qid
            )
    return out


# --- script variants -------------------------------------------------------------------------

_converter: object | None = None


def traditional(text: str) -> str:
    global _converter
    if _converter is None:
        import opencc

        _converter = opencc.OpenCC("s2t")
    return str(_converter.convert(text))  # type: ignore[attr-defined]


def _syllables() -> list[str]:
    from techbridge.text.pinyin import SYLLABLES

    return sorted(s for s in SYLLABLES if s.isascii() and len(s) >= 2)


_MARKS = {"a": "āáǎà", "e": "ēéěè", "i": "īíǐì", "o": "ōóǒò", "u": "ūúǔù"}


def _with_tone(syllable: str, tone: int) -> str:
    """Put the tone mark where Hanyu Pinyin puts it: a or e first, o of "ou", else the
    last vowel."""
    for vowel in ("a", "e"):
        if vowel in syllable:
            i = syllable.index(vowel)
            break
    else:
        i = syllable.index("o") if "ou" in syllable else max(syllable.rfind(v) for v in "iou")
    if i < 0:
        return syllable
    return syllable[:i] + _MARKS[syllable[i]][tone] + syllable[i + 1 :]


_SYLLABLE_LIST: list[str] = []


def annotate_pinyin(text: str, *, every: int = 3) -> str:
    """Traditional script with a bracketed pinyin syllable after every ``every``-th Han
    character: "創(chuàng)新"."""
    if not _SYLLABLE_LIST:
        _SYLLABLE_LIST.extend(_syllables())
    out = []
    han_seen = 0
    for ch in traditional(text):
        out.append(ch)
        if _HAN_ONLY.fullmatch(ch):
            han_seen += 1
            if han_seen % every == 1:
                h = zlib.crc32(ch.encode())
                syllable = _SYLLABLE_LIST[h % len(_SYLLABLE_LIST)]
                out.append(f"({_with_tone(syllable, (h >> 8) % 4)})")
    return "".join(out)


def variant(query: Query, name: str) -> Query:
    if name == "simplified":
        return query
    convert = traditional if name == "traditional" else annotate_pinyin
    return replace(
        query,
        qid=f"{query.qid}:{name}",
        variant=name,
        text=convert(query.text) if query.text else "",
        title=convert(query.title) if query.title else "",
    )
