"""The queue's own periodic work, and stand-ins for handlers another app has not
registered (yet).

``search.index_check`` belongs to the search app; until it registers a handler of that
name in ``techbridge/search/jobs.py``, the stand-in below runs ``techbridge index-check
--fix`` by command name (no import of search: the jobs app sits below it).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command

from techbridge.jobs import registry
from techbridge.jobs.services import jobs_prune


@registry.job("jobs.prune")
def prune() -> None:
    from techbridge.jobs.scheduler import prune_runs

    jobs_prune()
    prune_runs()


registry.periodic("jobs.prune", every=timedelta(hours=1))


def index_check_fallback() -> None:
    try:
        call_command("index_check", fix=True, verbosity=0)
    except SystemExit as exc:  # the command exits 1 on differences it could not fix
        raise RuntimeError(f"index-check exited with {exc.code}") from exc


def register_fallbacks() -> None:
    """Called by autodiscover after every app's jobs.py."""
    if registry.get("search.index_check") is None:
        registry.job("search.index_check")(index_check_fallback)
    if not any(s.job_name == "search.index_check" for s in registry.schedules()):
        registry.periodic("search.index_check", cron="15 3 * * *")  # nightly, 03:15
