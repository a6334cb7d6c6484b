"""The evaluation corpus: CSL abstracts as achievements, plus long reports built from them.

Read at run time from ``../shared/data/csl/`` (or ``--data DIR``): ``csl_2000.jsonl`` (2,000
papers with title, keywords, abstract, discipline — 67 of them — and category) and
``fewclue_abstracts.jsonl`` (10,189 abstracts with keywords; the first sentence stands in
for the missing title). Nothing of the text is copied into the repository.

Long reports (2,000–5,000 characters) are made by concatenating related abstracts (sharing a
keyword, else the discipline): the records a phrase-in-a-long-document query must find.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FILES = ("csl_2000.jsonl", "fewclue_abstracts.jsonl")
CATEGORY_FIELD = {
    "工学": "advanced_manufacturing",
    "理学": "new_materials",
    "医学": "biomedicine",
    "农学": "agriculture",
}
LONG_MIN, LONG_MAX = 2000, 5000

# Sentence ends: Chinese full stops and semicolons, and the ASCII "." CSL often uses (but not
# a decimal point).
_SENTENCE = re.compile(r"(?<=[。！？；;!?])|(?<=\.)(?=[^\d])")


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (at least 4 characters each), punctuation kept."""
    return [s.strip() for s in _SENTENCE.split(text or "") if len(s.strip()) >= 4]


@dataclass
class Record:
    """One achievement of the evaluation corpus."""

    external_id: str
    title: str
    summary: str
    keywords: list[str]
    discipline: str = ""
    technical_field: str = ""
    has_title: bool = False  # a real paper title (CSL), not a first sentence
    components: list[str] = field(default_factory=list)  # long reports: the abstracts in it

    def import_row(self) -> dict[str, Any]:
        row: dict[str, Any] = {
            "external_id": self.external_id,
            "title": self.title,
            "summary": self.summary,
            "keywords": self.keywords,
        }
        # The discipline is the topical label: kept out of the database, so no signal can
        # read the answer.
        if self.technical_field:
            row["field"] = self.technical_field
        return row


def default_data_dir() -> Path:
    """``<repository>/../shared/data/csl`` (the repository is three levels above here)."""
    return Path(__file__).resolve().parents[3].parent / "shared" / "data" / "csl"


def available(data_dir: Path) -> bool:
    return all((data_dir / name).is_file() for name in FILES)


def _read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_records(data_dir: Path, *, size: int = 0, seed: int = 13) -> list[Record]:
    """The corpus, or a deterministic sample of ``size`` records that keeps at least 600
    (or all) titled CSL papers, which carry titles and disciplines."""
    csl, fewclue = _read(data_dir / FILES[0]), _read(data_dir / FILES[1])
    if size and size < len(csl) + len(fewclue):
        rng = random.Random(seed)
        n_csl = min(len(csl), max(600, round(size * len(csl) / (len(csl) + len(fewclue)))))
        n_csl = min(n_csl, size)
        csl = sorted(rng.sample(csl, n_csl), key=lambda r: r["id"])
        fewclue = sorted(rng.sample(fewclue, max(0, size - n_csl)), key=lambda r: r["id"])
    out = []
    for row in (*csl, *fewclue):
        title = row.get("title") or ""
        if not title:
            first = sentences(row["abstract"])
            title = (first[0] if first else row["abstract"])[:80]
        out.append(
            Record(
                external_id=row["id"],
                title=title[:300],
                summary=row["abstract"],
                keywords=[k for k in row.get("keywords") or [] if k][:20],
                discipline=row.get("discipline") or "",
                technical_field=CATEGORY_FIELD.get(row.get("category") or "", ""),
                has_title=bool(row.get("title")),
            )
        )
    return out


def long_reports(records: list[Record], *, count: int, seed: int = 29) -> list[Record]:
    """``count`` reports of 2,000–5,000 characters, each the concatenation of related
    abstracts (a shared keyword, else the same discipline, else any); an abstract is used
    in at most one report, so a phrase from it names one report."""
    rng = random.Random(seed)
    by_keyword: dict[str, list[int]] = {}
    by_discipline: dict[str, list[int]] = {}
    for i, r in enumerate(records):
        for k in r.keywords:
            by_keyword.setdefault(k, []).append(i)
        if r.discipline:
            by_discipline.setdefault(r.discipline, []).append(i)
    used: set[int] = set()
    order = list(range(len(records)))
    rng.shuffle(order)
    reports: list[Record] = []
    for seed_index in order:
        if len(reports) >= count:
            break
        if seed_index in used:
            continue
        parts = [seed_index]
        length = len(records[seed_index].summary)
        frontier = [seed_index]
        while length < LONG_MIN and frontier:
            current = records[frontier.pop(0)]
            related = [j for k in current.keywords for j in by_keyword.get(k, [])]
            related += by_discipline.get(current.discipline, []) if current.discipline else []
            for j in dict.fromkeys(related):
                if j in used or j in parts:
                    continue
                if length + len(records[j].summary) > LONG_MAX:
                    continue
                parts.append(j)
                frontier.append(j)
                length += len(records[j].summary)
                if length >= LONG_MIN:
                    break
        while length < LONG_MIN:  # unrelated filler is rare: most topics have neighbours
            j = rng.randrange(len(records))
            if j in used or j in parts or length + len(records[j].summary) > LONG_MAX:
                if len(used) + len(parts) >= len(records):
                    break
                continue
            parts.append(j)
            length += len(records[j].summary)
        if not LONG_MIN <= length <= LONG_MAX:
            continue
        used.update(parts)
        first = records[parts[0]]
        topic = first.keywords[0] if first.keywords else first.title[:12]
        reports.append(
            Record(
                external_id=f"long-{len(reports):04d}",
                title=f"{topic}等技术研究报告",
                summary="\n".join(records[j].summary for j in parts),
                keywords=list(dict.fromkeys(k for j in parts[:1] for k in records[j].keywords))[:8],
                # No discipline: a report mixes topics, and topical labels must stay clean.
                technical_field=first.technical_field,
                components=[records[j].external_id for j in parts],
            )
        )
    return reports
