"""What /readyz reports: database, this node's search index and its lag, the job queue.

Each part is checked on its own and cheaply (a handful of indexed queries, no scans), so a
load balancer may ask every few seconds. A part that fails says so by name; the reason
goes to the log, not to the anonymous caller.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


def readiness() -> dict[str, Any]:
    """{"status": "ok" | "unavailable", "database": {...}, "index": {...}[, "jobs": {...}]}"""
    database = _database()
    index = _index(database_ok=database["ok"])
    body: dict[str, Any] = {"database": database, "index": index}
    jobs = _jobs() if database["ok"] else None
    if jobs is not None:
        body["jobs"] = jobs
    ready = database["ok"] and index["ok"]
    return {"status": "ok" if ready else "unavailable", **body}


def _database() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.warning("readyz: the database does not answer", exc_info=True)
        connection.close()  # the next request gets a new connection
        return {"ok": False}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 2)}


def _index(*, database_ok: bool) -> dict[str, Any]:
    from techbridge.search import follower
    from techbridge.search.backends import get_backend

    try:
        documents = get_backend().count()
    except Exception:
        logger.warning("readyz: the search index is not readable", exc_info=True)
        return {"ok": False}
    out: dict[str, Any] = {"ok": True, "documents": documents}
    if not database_ok:
        return out
    follower.start()  # a process that is probed serves traffic: its node's index must follow
    try:
        state = follower.status()
    except Exception:
        logger.warning("readyz: the index change log is not readable", exc_info=True)
        return {**out, "ok": False}
    max_lag = float(getattr(settings, "SEARCH_READY_MAX_LAG_SECONDS", 120))
    out.update(
        cursor=state["cursor"],
        lag=state["lag"],
        lag_seconds=state["lag_seconds"],
        ok=state["lag_seconds"] <= max_lag,
    )
    return out


def _jobs() -> dict[str, Any] | None:
    """Queue depth from techbridge.jobs where that app is installed (None otherwise)."""
    if not apps.is_installed("techbridge.jobs"):
        return None
    try:
        from techbridge.jobs.selectors import queue_stats
    except ImportError:
        return None
    try:
        stats = queue_stats()
    except Exception:
        logger.warning("readyz: the job queue is not readable", exc_info=True)
        return {"ok": False}
    if dataclasses.is_dataclass(stats) and not isinstance(stats, type):
        plain = dataclasses.asdict(stats)
    else:
        plain = stats if isinstance(stats, dict) else {"value": stats}
    return {"ok": True, **{k: _jsonable(v) for k, v in plain.items()}}


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)
