"""Job handlers and periodic schedules, declared in code.

An app registers a handler in its ``jobs.py`` (imported by :func:`autodiscover` when the
jobs app is ready)::

    @job("notifications.deliver")
    def deliver(*, key: str, channel: str, ...) -> None: ...

    periodic("catalogue.expire_demands", cron="30 0 * * *")     # one line per schedule

A handler receives the job's payload as keyword arguments and must be idempotent: a job
can run again after a crash between its effect and the worker marking it done.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

Handler = Callable[..., Any]


@dataclass(frozen=True)
class JobSpec:
    name: str
    handler: Handler
    max_attempts: int = 3
    # A batch handler takes ``payloads=[…]``: the jobs of one claim that share its name
    # run in one call (one query for many records); they succeed or fail together.
    batch: bool = False


@dataclass(frozen=True)
class Schedule:
    """A periodic job: ``cron`` (five-field cron expression, in settings.TIME_ZONE) or
    ``every`` (an interval, aligned to the Unix epoch). ``job`` defaults to ``name``."""

    name: str
    cron: str = ""
    every: timedelta | None = None
    job: str = ""
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def job_name(self) -> str:
        return self.job or self.name

    def latest_due(self, now: datetime) -> datetime:
        """The latest occurrence at or before ``now`` (aware datetime)."""
        if self.every is not None:
            step = int(self.every.total_seconds())
            stamp = int(now.timestamp()) // step * step
            return datetime.fromtimestamp(stamp, tz=now.tzinfo)
        from zoneinfo import ZoneInfo

        from croniter import croniter

        local = now.astimezone(ZoneInfo(settings.TIME_ZONE))
        # croniter's get_prev is strictly before; step a second forward so an occurrence
        # exactly at ``now`` counts as due.
        previous = croniter(self.cron, local + timedelta(seconds=1)).get_prev(datetime)
        return previous.astimezone(now.tzinfo)


_jobs: dict[str, JobSpec] = {}
_schedules: dict[str, Schedule] = {}


def job(name: str, *, max_attempts: int = 3, batch: bool = False) -> Callable[[Handler], Handler]:
    """Decorator: register ``fn`` as the handler of jobs called ``name`` (``batch``: see
    JobSpec)."""

    def register(fn: Handler) -> Handler:
        existing = _jobs.get(name)
        if existing is not None and existing.handler is not fn:
            raise ValueError(f"job {name!r} is registered twice")
        _jobs[name] = JobSpec(name=name, handler=fn, max_attempts=max_attempts, batch=batch)
        return fn

    return register


def periodic(
    name: str,
    *,
    cron: str = "",
    every: timedelta | None = None,
    job: str = "",
    payload: dict[str, Any] | None = None,
) -> Schedule:
    """Declare a periodic job (exactly one of ``cron`` / ``every``)."""
    if bool(cron) == (every is not None):
        raise ValueError(f"schedule {name!r}: give exactly one of cron= or every=")
    if cron:
        from croniter import croniter

        if not croniter.is_valid(cron):
            raise ValueError(f"schedule {name!r}: invalid cron expression {cron!r}")
    if every is not None and every.total_seconds() < 1:
        raise ValueError(f"schedule {name!r}: interval must be at least one second")
    schedule = Schedule(name=name, cron=cron, every=every, job=job, payload=dict(payload or {}))
    _schedules[name] = schedule
    return schedule


_worker_start: list[Callable[[bool], None]] = []


def on_worker_start(hook: Callable[[bool], None]) -> Callable[[bool], None]:
    """Run ``hook(burst)`` when a worker starts: a long-running worker (``burst`` False)
    e.g. starts this node's index follower, a ``--burst`` run brings the node's index up
    to date once. The jobs app needs to know nothing of the apps above it."""
    if hook not in _worker_start:
        _worker_start.append(hook)
    return hook


def worker_start_hooks() -> list[Callable[[bool], None]]:
    return list(_worker_start)


def get(name: str) -> JobSpec | None:
    return _jobs.get(name)


def names() -> list[str]:
    return sorted(_jobs)


def schedules() -> list[Schedule]:
    return [_schedules[k] for k in sorted(_schedules)]


def unregister(name: str) -> None:
    """Tests: forget a handler and any schedule of that name."""
    _jobs.pop(name, None)
    _schedules.pop(name, None)


def _extra_modules() -> list[str]:
    configured = getattr(settings, "JOBS_EXTRA_MODULES", None)
    if configured is None:
        configured = os.environ.get("JOBS_EXTRA_MODULES", "")
    if isinstance(configured, str):
        configured = [m.strip() for m in configured.split(",") if m.strip()]
    return list(configured)


def autodiscover() -> None:
    """Import ``<app>.jobs`` of every techbridge app, then JOBS_EXTRA_MODULES (tests use it
    to give worker subprocesses their handlers)."""
    for app in settings.INSTALLED_APPS:
        if not app.startswith("techbridge."):
            continue
        try:
            import_module(f"{app}.jobs")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.jobs":
                raise
    for module in _extra_modules():
        import_module(module)
    from techbridge.jobs import builtin

    builtin.register_fallbacks()
