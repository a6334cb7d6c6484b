"""``python -m techbridge.matching.evaluation [options]``: one evaluation run in a process of
its own, on a throw-away database and index under ``--workdir`` (a new temporary directory
by default; never var/). ``techbridge eval-matching`` starts this; see ``--help``."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

#: Size of the CI run (``--ci``): about a minute on this 2-core machine.
CI_SIZE, CI_PER_CLASS, CI_REPORTS = 2500, 150, 90
#: The CI gate's slack: one query of a ~75-query half moving from rank 1 to rank 2.
CI_TOLERANCE = 0.01


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="techbridge eval-matching", description=__doc__)
    parser.add_argument("--data", type=Path, help="CSL directory (default ../shared/data/csl)")
    parser.add_argument("--size", type=int, default=0, help="records (default: all 12,189)")
    parser.add_argument("--per-class", type=int, default=600, help="queries per class at most")
    parser.add_argument("--long-reports", type=int, default=120, help="long reports to build")
    parser.add_argument("--ci", action="store_true", help=f"CI size: {CI_SIZE} records")
    parser.add_argument("--classes", default="", help="comma-separated subset of the classes")
    parser.add_argument("--variants", default="", help="comma-separated subset of the variants")
    parser.add_argument("--json", type=Path, help="write the report here as JSON")
    parser.add_argument("--compare", type=Path, help="a previous JSON report: print the change")
    parser.add_argument(
        "--markdown", type=Path, help="write the held-out table (before = --compare) as Markdown"
    )
    parser.add_argument(
        "--tolerance",
        type=float,
        default=None,
        help="gate slack in MRR/share points (default 0; 0.01 with --ci, where ~75 queries a "
        "half make one query moving from rank 1 to 2 worth 0.007)",
    )
    parser.add_argument("--workdir", type=Path, help="work directory (kept when given)")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the database in --workdir (skip the import)"
    )
    parser.add_argument("--reindex", action="store_true", help="with --reuse: rebuild the index")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="MODULE.NAME=JSON",
        help="try a weight for this run only, e.g. search.PAIR_BOOST=1.5, "
        'matching.SAME_FIELD=0.5 or search.FIELD_BOOSTS=\'{"title": 2, "keywords": 2, '
        '"summary": 1}\'',
    )
    args = parser.parse_args(argv)
    if args.ci:
        args.size, args.per_class, args.long_reports = CI_SIZE, CI_PER_CLASS, CI_REPORTS
    if args.tolerance is None:
        args.tolerance = CI_TOLERANCE if args.ci else 0.0
    return args


def configure(workdir: Path) -> None:
    """Settings for a throw-away run: its own SQLite database and index directory."""
    os.environ["TECHBRIDGE_DATA_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'eval.sqlite3'}"
    os.environ["SEARCH_INDEX_DIR"] = str(workdir / "index")
    os.environ["SEARCH_INDEX_ASYNC"] = "0"
    os.environ["DEBUG"] = "0"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "techbridge.settings"
    os.environ.pop("TECHBRIDGE_ENV", None)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    from techbridge.matching.evaluation import data

    data_dir = args.data or data.default_data_dir()
    if not data.available(data_dir):
        print(f"eval-matching: CSL data not found under {data_dir}; skipped.")
        return 0
    keep = args.workdir is not None
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="techbridge-eval-matching-"))
    workdir.mkdir(parents=True, exist_ok=True)
    configure(workdir)
    import django

    django.setup()
    try:
        return run(args, data_dir, workdir)
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


def apply_overrides(items: list[str]) -> dict[str, Any]:
    """Set weights of techbridge.search.weights / techbridge.matching.weights for this run
    (tuning: every weight is read at call time)."""
    from techbridge.matching import weights as matching_weights
    from techbridge.search import weights as search_weights

    modules = {"search": search_weights, "matching": matching_weights}
    applied = {}
    for item in items:
        target, _, value = item.partition("=")
        module_name, _, name = target.partition(".")
        module = modules[module_name]
        if not hasattr(module, name):
            raise SystemExit(f"eval-matching: no weight {target}")
        setattr(module, name, json.loads(value))
        applied[target] = json.loads(value)
    return applied


def cached_baselines(workdir: Path, args: argparse.Namespace, records: list[Any]) -> Any:
    """The baselines, kept in a reused work directory (they do not depend on our ranking,
    and tokenising the corpus twice is most of a small run's time)."""
    import pickle

    from techbridge.matching.evaluation import baselines

    path = workdir / f"baselines-{len(records)}.pickle"
    if args.reuse and path.exists():
        with path.open("rb") as fh:
            return pickle.load(fh)  # noqa: S301 - our own file, written below
    built = baselines.build(records)
    if args.workdir is not None:
        path.write_bytes(pickle.dumps(built))
    return built


def run(args: argparse.Namespace, data_dir: Path, workdir: Path) -> int:
    from techbridge.matching.evaluation import corpus, data, queries, runner

    overrides = apply_overrides(args.set)

    started = time.perf_counter()
    records = data.load_records(data_dir, size=args.size)
    reports = data.long_reports(records, count=args.long_reports)
    built = queries.build(records, reports, per_class=args.per_class)
    classes = [c for c in args.classes.split(",") if c] or list(queries.CLASSES)
    variants = [v for v in args.variants.split(",") if v] or list(queries.VARIANTS)
    demands = [queries.variant(q, v) for q in built["demand"] for v in variants]
    print(
        f"eval-matching: {len(records):,} records + {len(reports)} long reports; queries per "
        "class: " + ", ".join(f"{c} {len(built[c])}" for c in queries.CLASSES)
    )
    print(f"work directory: {workdir}")
    seconds: dict[str, Any] = {}
    if args.reuse and (workdir / "eval.sqlite3").exists():
        pks = corpus.existing()
        if args.reindex:
            seconds["reindex"] = round(corpus.reindex(), 1)
    else:
        loaded = corpus.load(workdir, [*records, *reports], demands)
        seconds.update(loaded.pop("seconds"))
        pks = loaded
    print(f"import and index: {seconds}")
    from techbridge.search.indexing import ensure_dictionary

    ensure_dictionary()  # the baselines tokenise with the same dictionary as the index
    t0 = time.perf_counter()
    systems = cached_baselines(workdir, args, [*records, *reports])
    seconds["baselines"] = round(time.perf_counter() - t0, 1)
    evaluation = runner.Evaluation(records, reports, pks, systems)
    for q in built["title"][:20]:  # warm up caches (dictionary, index readers, DB)
        evaluation.search(q)
        evaluation.match(q)
    rows: list[dict[str, Any]] = []
    plan = [(c, c) for c in classes if c != "demand"]
    if "demand" in classes:
        plan += [("demand-get", "demand"), ("demand-post", "demand")]
    for row_name, cls in plan:
        t0 = time.perf_counter()
        items = [queries.variant(q, v) for q in built[cls] for v in variants]
        rows.extend(evaluation.run_class(row_name, items))
        took = time.perf_counter() - t0
        print(f"  {runner.ROW_NAMES[row_name]}: {len(items)} queries in {took:.1f} s")
    seconds["total"] = round(time.perf_counter() - started, 1)
    meta = {
        "records": len(records),
        "long_reports": len(reports),
        "per_class": {c: len(built[c]) for c in queries.CLASSES},
        "variants": variants,
        "overrides": overrides,
        "seconds": seconds,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    previous = json.loads(args.compare.read_text("utf-8")) if args.compare else None
    if args.markdown is not None:
        args.markdown.write_text(runner.markdown(rows, previous) + "\n", encoding="utf-8")
    return runner.report(
        rows, meta, json_path=args.json, previous=previous, tolerance=args.tolerance
    )


if __name__ == "__main__":
    sys.exit(main())
