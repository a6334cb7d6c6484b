"""The queue across real processes: kill -9 right after the last commit loses nothing, and
two worker processes on one database (and on one Redis / RabbitMQ broker) never run a
job or a scheduled occurrence twice.

Broker runs are marked ``broker``: they skip with a message when Redis/RabbitMQ does not
answer on 127.0.0.1, unless JOBS_TEST_BROKERS=required (CI), which makes that a failure.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

from techbridge.jobs.tests.conftest import PYTHON, ROOT, broker_answers, run_child, techbridge

pytestmark = pytest.mark.django_db

BROKERS = {
    "redis": os.environ.get("JOBS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
    "rabbitmq": os.environ.get("JOBS_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F"),
}


def proc(env: dict[str, str], *args: str) -> dict:
    out = run_child(env, "-m", "techbridge.jobs.tests.proc", *args).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_kill_9_right_after_the_last_commit_loses_no_job(child_env, tmp_path) -> None:
    proc(child_env, "reset")
    child = subprocess.Popen(
        [PYTHON, "-m", "techbridge.jobs.tests.proc", "notify-loop", "1000"],
        env=child_env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = child.stdout.readline()  # printed right after the 1,000th commit
        if not line:
            child.wait(timeout=30)
            pytest.fail(child.stderr.read()[-3000:])
        assert json.loads(line) == {"committed": 1000}
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    stats = proc(child_env, "stats")
    assert stats["names"].get("notifications.deliver") == 1000
    assert stats["by_status"]["queued"] == 1000

    techbridge(child_env, "worker", "--burst", "--no-scheduler")
    stats = proc(child_env, "stats")
    assert stats["by_status"]["done"] == 1000 and stats["by_status"]["queued"] == 0
    mails = "".join(p.read_text() for p in (tmp_path / "data" / "mail").glob("*"))
    assert mails.count("\nTo: kill@example.org") == 1000


def _broker_env(child_env: dict[str, str], backend: str) -> dict[str, str] | None:
    if backend == "database":
        return child_env
    url = BROKERS[backend]
    if not broker_answers(url):
        message = f"{backend} does not answer at {url}"
        if os.environ.get("JOBS_TEST_BROKERS") == "required":
            pytest.fail(message + " (JOBS_TEST_BROKERS=required)")
        pytest.skip(message + ": start it to run the broker tests")
    env = dict(child_env)
    env["JOBS_BROKER_URL"] = url
    env["JOBS_BROKER_QUEUE"] = f"tbtest-{uuid.uuid4().hex[:8]}"
    env["JOBS_WORKER_THREADS"] = "4"
    return env


def _drop_queue(env: dict[str, str]) -> None:
    if not env.get("JOBS_BROKER_URL"):
        return
    from techbridge.jobs.backends import make_broker

    broker = make_broker(env["JOBS_BROKER_URL"])
    queue = env["JOBS_BROKER_QUEUE"]
    try:
        if env["JOBS_BROKER_URL"].startswith("amqp"):
            channel = broker.channel
            for name in (queue, f"{queue}.DQ", f"{queue}.XQ"):
                channel.queue_delete(name)
        else:
            broker.declare_queue(queue)
            broker.flush(queue)
    finally:
        broker.close()


@pytest.mark.parametrize(
    "backend",
    [
        "database",
        pytest.param("redis", marks=pytest.mark.broker),
        pytest.param("rabbitmq", marks=pytest.mark.broker),
    ],
)
def test_two_workers_never_run_a_job_or_an_occurrence_twice(
    child_env, tmp_path: Path, backend: str
) -> None:
    env = _broker_env(child_env, backend)
    assert env is not None
    record = tmp_path / "record.txt"
    ticks = tmp_path / "ticks.txt"
    env["JOBS_TEST_TICK_FILE"] = str(ticks)  # declares a schedule every second
    proc(env, "reset")
    count = 800
    proc(env, "enqueue", "jobs_test.record", str(count), str(record), "0.003")
    workers = [
        subprocess.Popen(
            [PYTHON, "-m", "techbridge.cli", "worker", "--batch", "50"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    started = time.monotonic()
    try:
        while time.monotonic() - started < 120:
            time.sleep(1)
            by_status = proc(env, "stats")["by_status"]
            done = by_status["done"]
            # Stop when the batch is done and the workers have caught up with the ticks
            # (at most the latest one still waiting): on a loaded machine the every-second
            # ticks queue behind the batch, and the test checks each ran at most once.
            waiting = sum(by_status.values()) - done - by_status.get("failed", 0)
            if done >= count and waiting <= 1 and time.monotonic() - started > 5:
                break
            assert all(w.poll() is None for w in workers), workers[0].stderr.read()
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)  # graceful: finish the current job, exit 0
        outputs = [w.communicate(timeout=60) for w in workers]
        _drop_queue(env)
    assert [w.returncode for w in workers] == [0, 0], [o[1][-2000:] for o in outputs]
    lines = [line.split() for line in record.read_text().splitlines()]
    runs = Counter(job_id for job_id, _pid in lines)
    assert len(runs) == count and max(runs.values()) == 1  # each job ran exactly once
    assert len({pid for _job, pid in lines}) == 2  # and both workers took part
    stats = proc(env, "stats")
    assert stats["names"]["jobs_test.record"] == count
    assert stats["by_status"]["failed"] == 0
    # Both workers ticked every second: each occurrence is one row and one job …
    assert stats["runs"]["jobs_test.tick"] == stats["names"]["jobs_test.tick"] >= 3
    # Periodic schedules fall on clock boundaries (every 10 minutes, every hour, daily): a
    # run of at most two minutes spans one occurrence, or two when it crosses a boundary.
    for name in ("catalogue.expire_demands", "imports.mark_stale_runs", "jobs.prune"):
        assert stats["runs"][name] == stats["names"][name], name
        assert 1 <= stats["names"][name] <= 2, name
    # … and each tick job ran at most once (the last may still have been queued).
    ticks_run = Counter(ticks.read_text().split())
    assert max(ticks_run.values()) == 1
    assert len(ticks_run) >= stats["names"]["jobs_test.tick"] - 2
