"""`make lint` enforces ARCHITECTURE.md's "who may import whom" (contracts in .importlinter):
the tree keeps every contract, and a forbidden import of each kind — up the stack, sideways,
another app's models, Django in plain-Python code, even inside a function — breaks one
(issue 9 item 15)."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("importlinter")

ROOT = Path(__file__).resolve().parents[3]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONFIG = configparser.ConfigParser()
CONFIG.read(ROOT / ".importlinter", encoding="utf-8")
PROBE = "layers_probe"


def _lint(cwd: Path) -> str:
    """Run lint-imports in ``cwd``; its output with line wrapping undone, and the exit code."""
    env = {**os.environ, "PYTHONPATH": str(cwd), "COLUMNS": "1000", "NO_COLOR": "1"}
    done = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return f"rc={done.returncode} " + " ".join((done.stdout + done.stderr).split())


def _broken(contract: str) -> str:
    name = CONFIG[f"importlinter:contract:{contract}"]["name"]
    return " ".join(name.split()) + " BROKEN"


def _python_only(directory: str, names: list[str]) -> list[str]:
    """copytree filter: the package's Python files only (templates, catalogues, data stay)."""
    return [
        n
        for n in names
        if n == "__pycache__" or (not (Path(directory) / n).is_dir() and not n.endswith(".py"))
    ]


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the package and its contracts, to add forbidden imports to."""
    copy = tmp_path_factory.mktemp("layers")
    shutil.copytree(ROOT / "techbridge", copy / "techbridge", ignore=_python_only)
    shutil.copy(ROOT / ".importlinter", copy / ".importlinter")
    assert _lint(copy).startswith("rc=0 "), "the untouched copy must pass first"
    yield copy
    shutil.rmtree(copy, ignore_errors=True)


def test_make_lint_runs_the_contracts() -> None:
    lint = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nlint:", 1)[1].split("\n\n")[0]
    assert "$(BIN)/lint-imports" in lint


def test_the_project_keeps_every_contract() -> None:
    out = _lint(ROOT)
    assert out.startswith("rc=0 "), out
    assert " 0 broken" in out, out


def test_every_app_has_its_contract_and_layer() -> None:
    """A new app must say whom it imports: one contract per app and a place in the layers."""
    layers = CONFIG["importlinter:contract:layers"]["layers"].replace("|", " ")
    placed = {name.strip("()") for name in layers.split()}
    apps = sorted(
        p.name for p in (ROOT / "techbridge").iterdir() if (p / "__init__.py").is_file()
    )
    assert "catalogue" in apps
    missing = [a for a in apps if f"importlinter:contract:{a}" not in CONFIG or a not in placed]
    assert not missing, f"add a contract and a layer in .importlinter for: {missing}"


@pytest.mark.parametrize(
    ("app", "code", "contract"),
    [
        # sideways, hidden in a function: stats reads catalogue's models
        ("stats", "def f():\n    from techbridge.catalogue.models import Demand\n", "stats"),
        # another app's models instead of its selectors (the old brokerage → contracts.models)
        ("brokerage", "from techbridge.contracts.models import TechnologyContract\n", "brokerage"),
        # up the stack: search reaching into matching (the old matching.weights import)
        ("search", "def f():\n    from techbridge.matching import weights\n", "layers"),
        # the kernel reaching up
        ("core", "from techbridge.contracts import selectors\n", "layers"),
        # Django in plain-Python text
        ("text", "import django\n", "plain-python"),
        # text importing the rest of techbridge
        ("text", "from techbridge.core import money\n", "text"),
        # the job queue is core-level (created here if it does not exist yet)
        ("jobs", "from techbridge.catalogue import selectors\n", "jobs"),
    ],
)
def test_a_forbidden_import_breaks_lint(tree: Path, app: str, code: str, contract: str) -> None:
    package = tree / "techbridge" / app
    if not package.exists():
        package.mkdir()
        (package / "__init__.py").write_text("", encoding="utf-8")
    probe = package / f"{PROBE}.py"
    probe.write_text(f'"""A forbidden import."""\n\n{code}', encoding="utf-8")
    try:
        out = _lint(tree)
    finally:
        probe.unlink()
    assert out.startswith("rc=1 "), out
    assert _broken(contract) in out, out
    assert f"techbridge.{app}.{PROBE}" in out, out
