# techbridge — two commands: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: run test lint setup setup-test install install-dev bench bench-text bench-matching bench-catalogue bench-contracts bench-scheduler bench-jobs bench-index-nodes bench-sharing bench-projects bench-programmes bench-escalation bench-pages eval-matching clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Everything a fresh machine needs before serving: database, code lists, demo world, index.
setup: install
	$(BIN)/techbridge compile-translations
	$(BIN)/techbridge migrate --noinput
	$(BIN)/techbridge load-codes
	$(BIN)/techbridge setup-demo
	$(BIN)/techbridge reindex

# The web server and a job worker (ADR 0007) together; Ctrl-C stops both.
run: setup
	@echo "techbridge: serving http://$(HOST):$(PORT)/  (API schema: /api/v1/schema/, docs: /api/v1/docs/)"
	@$(BIN)/techbridge worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/techbridge runserver $(HOST):$(PORT)

setup-test: install-dev
	$(BIN)/techbridge compile-translations

# SQLite by default; with DATABASE_URL=postgres://… the same suite runs on PostgreSQL.
# One pytest-xdist worker per core (TEST_WORKERS=0 runs in one process); a test file stays on
# one worker, so module fixtures (a browser, a cluster of nodes) are built once.
TEST_WORKERS ?= auto
test: setup-test
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: setup-test
	$(BIN)/ruff check techbridge benchmarks
	$(BIN)/mypy techbridge
	$(BIN)/lint-imports
	$(BIN)/techbridge makemigrations --check --dry-run

# Benchmarks print their figures next to a baseline measured in the same run.
bench: bench-text bench-catalogue bench-matching bench-contracts bench-scheduler bench-jobs bench-index-nodes bench-sharing bench-projects bench-programmes bench-escalation bench-pages

bench-text: setup-test
	$(BIN)/python benchmarks/bench_text.py

bench-catalogue: setup-test
	$(BIN)/python benchmarks/bench_catalogue.py

bench-matching: setup-test
	$(BIN)/python benchmarks/bench_matching.py

bench-contracts: setup-test
	$(BIN)/python benchmarks/bench_contracts.py

bench-scheduler: setup-test
	$(BIN)/python benchmarks/bench_scheduler.py

bench-jobs: setup-test
	$(BIN)/python benchmarks/bench_jobs.py

bench-index-nodes: setup-test
	$(BIN)/python benchmarks/bench_index_nodes.py

# Issue 11: availability and free-instrument search, monthly settlement, order pricing.
bench-sharing: setup-test
	$(BIN)/python benchmarks/bench_sharing_availability.py
	$(BIN)/python benchmarks/bench_sharing_settlement.py
	$(BIN)/python benchmarks/bench_sharing_orders.py

# Issue 12: ledger KPIs; the escalation job.
bench-projects: setup-test
	$(BIN)/python benchmarks/bench_projects.py

# Issue 15: the yearly dashboards of 10 programmes against a naive count in Python.
bench-programmes: setup-test
	$(BIN)/python benchmarks/bench_programmes.py

bench-escalation: setup-test
	$(BIN)/python benchmarks/bench_escalation.py

# Issue 14: every page of every demo role (demo world, then + 100,000 achievements) and
# login → workbench; BENCH_ARGS=--quick for the demo world only.
bench-pages: setup-test
	$(BIN)/python benchmarks/bench_pages.py $(BENCH_ARGS)

# Issue 13: ranking quality on the CSL data (../shared/data/csl/) next to two BM25 baselines;
# exits 1 when a class falls below the normalised baseline (docs/matching-quality.md).
eval-matching: setup-test
	$(BIN)/techbridge eval-matching $(EVAL_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
