"""The search app's jobs (registered with the job queue when ``techbridge.jobs`` is
installed; the nightly schedule of ``search.index_check`` is declared by the jobs app)."""

from __future__ import annotations

from techbridge.jobs.registry import job, on_worker_start


@on_worker_start
def follow_the_index_log(burst: bool) -> None:
    """A worker keeps this node's index following the change log (ADR 0008); a burst run
    applies what the log holds once, so ``worker --burst`` leaves index-check clean."""
    from techbridge.search import follower

    if burst:
        follower.apply_pending()
    else:
        follower.start()


@job("search.index_check")
def index_check() -> None:
    """Nightly: bring this node's index up to the change log, re-sync any record where it
    and the database disagree, prune the log (``indexing.check_and_repair``)."""
    from techbridge.search import indexing

    indexing.check_and_repair()
