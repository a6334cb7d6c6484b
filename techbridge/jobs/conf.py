"""The queue's settings, read when used (never at import time). See README's table."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "JOBS_BROKER_URL": "",  # "" = the database; redis://… or amqp://… = Dramatiq
    "JOBS_BROKER_QUEUE": "techbridge",
    "JOBS_EAGER": False,  # run each job right after its commit, in the same process (tests)
    "JOBS_MAX_ATTEMPTS": 3,
    "JOBS_RETRY_BASE_SECONDS": 10.0,  # attempt n waits base * 2**(n-1), ±50 % jitter
    "JOBS_RETRY_MAX_SECONDS": 3600.0,
    "JOBS_LOCK_TIMEOUT_SECONDS": 600,  # a running job older than this had a dead worker
    "JOBS_BATCH": 100,
    "JOBS_POLL_SECONDS": 1.0,
    "JOBS_WORKER_THREADS": 4,  # broker mode: Dramatiq worker threads per process
    "JOBS_KEEP_DONE_DAYS": 7,
}


def get(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


def broker_url() -> str:
    return str(get("JOBS_BROKER_URL") or "").strip()
