"""The production WSGI server: gunicorn, configured for techbridge (``techbridge serve``).

Defaults: ``2 × cores + 1`` worker processes (at most 8: each holds its own search reader
and segmenter dictionary), 4 threads each (requests mostly wait on the database), a 60 s
request timeout, restarts after ~2,000 requests against slow leaks, and an access log
that never carries query strings, referrers or client addresses (they may hold personal
data: search text, tokens, e-mail addresses) and escapes control characters so a request
cannot forge log lines. Each worker starts the node's search follower (ADR 0008); the
first to take the index directory's lock applies the log, the others only read.
"""

from __future__ import annotations

import os
import re
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

MAX_WORKERS = 8
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def default_workers(cores: int | None = None) -> int:
    cores = cores or os.cpu_count() or 1
    return max(2, min(2 * cores + 1, MAX_WORKERS))


def options(
    *,
    bind: str = "127.0.0.1:8000",
    workers: int | None = None,
    threads: int = 4,
    timeout: int = 60,
    access_log: str = "-",
) -> dict[str, Any]:
    """gunicorn settings for techbridge (see the module docstring for the reasons)."""
    return {
        "bind": [bind],
        "workers": workers or default_workers(),
        "worker_class": "gthread",
        "threads": threads,
        "timeout": timeout,
        "graceful_timeout": 30,
        "keepalive": 5,
        "max_requests": 2000,
        "max_requests_jitter": 200,
        "accesslog": access_log or None,
        "errorlog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "logger_class": SafeAccessLogger,
        "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        "post_worker_init": _post_worker_init,
        "proc_name": "techbridge",
        # gunicorn >= 25.1: no shared ~/.gunicorn/gunicorn.ctl (several servers per host).
        "control_socket_disable": True,
    }


class SafeAccessLogger(Logger):
    """Access log atoms with control characters escaped (no forged lines)."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("U", "m", "H"):
            value = atoms.get(key)
            if isinstance(value, str):
                atoms[key] = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
        return atoms


def _post_worker_init(worker: Any) -> None:
    from techbridge.search import follower

    follower.start()


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn run in-process with our settings and the project's WSGI application."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self._settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._settings.items():
            if key in self.cfg.settings:  # settings of newer gunicorn versions are optional
                self.cfg.set(key, value)

    def load(self) -> Any:
        from techbridge.wsgi import application

        return application


def serve(settings: dict[str, Any]) -> None:
    Server(settings).run()
