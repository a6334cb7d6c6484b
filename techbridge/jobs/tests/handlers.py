"""Handlers for the queue's own tests (imported by tests, and by worker subprocesses
through JOBS_EXTRA_MODULES). ``record`` is deliberately NOT idempotent: it appends the
job id to a file, so a job that ran twice shows up twice."""

from __future__ import annotations

import os
import time
from datetime import timedelta

from techbridge.jobs.registry import job, periodic
from techbridge.jobs.worker import current_job

CALLS: list[dict] = []


def _append(path: str, line: str) -> None:
    # O_APPEND writes of one short line are atomic across processes.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


@job("jobs_test.record")
def record(*, path: str, pause: float = 0.0) -> None:
    running = current_job()
    assert running is not None
    if pause:
        time.sleep(pause)  # long enough for the other worker to take its share
    _append(path, f"{running.pk} {os.getpid()}")


@job("jobs_test.tick")
def tick(*, path: str) -> None:
    running = current_job()
    assert running is not None
    _append(path, str(running.pk))


@job("jobs_test.fail")
def fail(**payload: object) -> None:
    raise RuntimeError("boom: the test handler always fails")


@job("jobs_test.noop")
def noop(**payload: object) -> None:
    CALLS.append(dict(payload))


if os.environ.get("JOBS_TEST_TICK_FILE"):
    periodic(
        "jobs_test.tick",
        every=timedelta(seconds=1),
        payload={"path": os.environ["JOBS_TEST_TICK_FILE"]},
    )


BATCHES: list[list[dict]] = []


@job("jobs_test.batch", batch=True)
def batch(*, payloads: list[dict]) -> None:
    BATCHES.append(list(payloads))
