"""Load the evaluation corpus the way a deployment would: JSONL files imported with
``techbridge import achievements|demands FILE --org ORG --publish --as-user REVIEWER`` into
the (throw-away) database of this process, then ``techbridge reindex``'s rebuild.

Must run in a process whose settings point at a temporary database and index directory
(``runner`` is started that way by the ``eval-matching`` command); never against var/.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from techbridge.matching.evaluation.data import Record
from techbridge.matching.evaluation.queries import Query

INSTITUTE = "eval-institute"
ENTERPRISE = "eval-enterprise"
REVIEWER = "eval-reviewer"


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def demand_row(query: Query) -> dict[str, Any]:
    """A demand posted by the evaluation enterprise from a ``demand`` query."""
    return {
        "external_id": query.qid,
        "title": query.title or query.text[:40],
        "summary": query.text,
        "confidential": "0",
    }


def setup_world() -> None:
    from django.core.management import call_command

    from techbridge.accounts.roles import Role
    from techbridge.core.testing import make_organisation, make_user

    call_command("migrate", verbosity=0)
    call_command("load_codes", verbosity=0)
    make_organisation(
        "评测研究院",
        "research_institute",
        region_code="110108",
        external_id=INSTITUTE,
    )
    make_organisation("评测企业", "enterprise", region_code="520100", external_id=ENTERPRISE)
    bureau = make_organisation("评测科技局", "government", region_code="520100")
    make_user(REVIEWER, Role.BUREAU_STAFF, bureau, is_reviewer=True)


def import_file(kind: str, path: Path, org: str) -> None:
    import io

    from django.core.management import call_command

    call_command(
        "import",
        kind,
        str(path),
        org=org,
        publish=True,
        as_user=REVIEWER,
        no_progress=True,
        verbosity=0,
        stdout=io.StringIO(),
    )


def load(workdir: Path, records: list[Record], demands: list[Query]) -> dict[str, Any]:
    """Import ``records`` (achievements) and ``demands``, rebuild the index; external id →
    pk per kind, and the seconds each step took under ``"seconds"``."""
    from techbridge.search import indexing

    setup_world()
    achievements, demand_file = workdir / "achievements.jsonl", workdir / "demands.jsonl"
    _write_jsonl(achievements, (r.import_row() for r in records))
    _write_jsonl(demand_file, (demand_row(q) for q in demands))
    t0 = time.perf_counter()
    # The index is built once afterwards, like a first load followed by `reindex`.
    with indexing.suspended():
        import_file("achievements", achievements, INSTITUTE)
        import_file("demands", demand_file, ENTERPRISE)
    t1 = time.perf_counter()
    indexing.rebuild()
    t2 = time.perf_counter()
    train_topics()
    t3 = time.perf_counter()
    return {
        **existing(),
        "seconds": {
            "import": round(t1 - t0, 1),
            "reindex": round(t2 - t1, 1),
            "topic_model": round(t3 - t2, 1),
        },
    }


def train_topics() -> None:
    """`techbridge topic-model`, as a deployment runs it after its first load (then nightly)."""
    from techbridge.matching import topics

    topics.train_from_index()


def reindex() -> float:
    from techbridge.search import indexing

    t0 = time.perf_counter()
    indexing.rebuild()
    train_topics()
    return time.perf_counter() - t0


def existing() -> dict[str, dict[str, int]]:
    """External id → pk of the (published) achievements and demands of this run."""
    from techbridge.catalogue.selectors import public_queryset

    return {
        kind: {str(e): pk for e, pk in public_queryset(kind).values_list("external_id", "pk")}
        for kind in ("achievement", "demand")
    }
