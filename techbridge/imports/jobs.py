"""The import runner's periodic job (registered with the job queue, ADR 0007)."""

from __future__ import annotations

from datetime import timedelta

from techbridge.jobs.registry import job, periodic


@job("imports.mark_stale_runs")
def mark_stale_runs() -> None:
    """Fail import runs whose process died; a run still beating is left alone."""
    from techbridge.imports.services import mark_stale_runs_failed

    mark_stale_runs_failed()


periodic("imports.mark_stale_runs", every=timedelta(minutes=10))
