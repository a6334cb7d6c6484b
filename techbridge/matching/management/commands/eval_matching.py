"""`techbridge eval-matching` — matching quality next to plain BM25 (issue 13).

Without ``--judgments``: the CSL evaluation in a child process on a throw-away database and
index (``python -m techbridge.matching.evaluation``; never the deployment's data); exits 1
when a held-out class falls below the normalised-BM25 baseline. With ``--judgments``: the
same metrics on this deployment's own relevance judgments, read-only; ``--export FILE``
writes them as JSONL (ids, grades, sources, reasons, times — no personal data).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

PASS_THROUGH = (
    "data",
    "size",
    "per_class",
    "long_reports",
    "classes",
    "variants",
    "json",
    "compare",
    "markdown",
    "tolerance",
    "workdir",
)
FLAGS = ("ci", "reuse", "reindex")


class Command(BaseCommand):
    help = "Measure matching quality against plain BM25 (CSL data, or --judgments)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--judgments", action="store_true", help="use this platform's judgments"
        )
        parser.add_argument("--export", type=Path, help="with --judgments: write them as JSONL")
        parser.add_argument("--ci", action="store_true", help="the small CI size (about a minute)")
        parser.add_argument("--data", help="CSL directory (default ../shared/data/csl)")
        parser.add_argument("--size", type=int, help="records (default: all 12,189)")
        parser.add_argument("--per-class", type=int, help="queries per class at most")
        parser.add_argument("--long-reports", type=int, help="long reports to build")
        parser.add_argument("--classes", help="comma-separated subset of the classes")
        parser.add_argument("--variants", help="comma-separated subset of the script variants")
        parser.add_argument("--json", type=Path, help="write the report as JSON")
        parser.add_argument("--compare", type=Path, help="a previous JSON report")
        parser.add_argument(
            "--markdown", type=Path, help="write the held-out table (before = --compare)"
        )
        parser.add_argument("--tolerance", type=float, help="gate slack (MRR points)")
        parser.add_argument("--workdir", help="keep the work directory here")
        parser.add_argument("--reuse", action="store_true", help="reuse --workdir's database")
        parser.add_argument("--reindex", action="store_true", help="with --reuse: rebuild")
        parser.add_argument(
            "--set", action="append", default=[], help="MODULE.NAME=JSON: try a weight"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["judgments"]:
            from techbridge.matching.evaluation import judged

            status = judged.run(
                write=self.stdout.write,
                json_path=options.get("json"),
                export=options.get("export"),
                tolerance=options.get("tolerance") or 0.0,
            )
        else:
            argv = [sys.executable, "-m", "techbridge.matching.evaluation"]
            for name in PASS_THROUGH:
                if options.get(name) is not None:
                    argv += [f"--{name.replace('_', '-')}", str(options[name])]
            argv += [f"--{name}" for name in FLAGS if options.get(name)]
            for item in options["set"]:
                argv += ["--set", item]
            self.stdout.flush()
            # A child of its own: its settings point at a temporary database and index.
            status = subprocess.call(argv, env=dict(os.environ))  # noqa: S603 - our own module
        if status:
            raise SystemExit(status)
