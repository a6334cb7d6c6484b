"""Several nodes, each with its own index directory, against one database (issue 10
acceptance): separate processes, the same SQLite file or PostgreSQL database as the test
run uses (a database of their own, made and dropped here)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings

TIMEOUT = 240
KILL_N = int(os.environ.get("TB_KILL_N", "1000"))  # the acceptance figure


@dataclass
class Cluster:
    root: Path
    env: dict[str, str]

    def run(self, node: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {**self.env, "SEARCH_INDEX_DIR": str(self.root / node)}
        done = subprocess.run(
            [sys.executable, *args], env=env, capture_output=True, text=True, timeout=TIMEOUT
        )
        if check and done.returncode != 0:
            raise AssertionError(f"{args} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
        return done

    def techbridge(
        self, node: str, *args: str, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        return self.run(node, "-m", "techbridge.cli", *args, check=check)

    def script(self, node: str, *args: str) -> Any:
        out = self.run(node, "-m", "techbridge.search.tests.nodes", *args).stdout
        return json.loads(out.strip().splitlines()[-1])

    def found(self, node: str, text: str) -> set[int]:
        out = self.techbridge(node, "search", text, "--json", "--limit", "100").stdout
        return {r["id"] for r in json.loads(out)["results"]}


def _database_url(tmp: Path) -> Iterator[str]:
    db = django_settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        yield f"sqlite:///{tmp / 'nodes.sqlite3'}"
        return
    import psycopg

    name = f"{db['NAME']}_nodes"[:60]
    params = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    auth = params["user"] + (f":{params['password']}" if params["password"] else "")
    yield f"postgres://{auth}@{params['host']}:{params['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    root = tmp_path_factory.mktemp("nodes")
    urls = _database_url(root)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "TECHBRIDGE_", "SEARCH_", "DATABASE_URL"))
    }
    env.update(
        DATABASE_URL=next(urls),
        TECHBRIDGE_ENV="development",
        TECHBRIDGE_DATA_DIR=str(root / "data"),
        SEARCH_INDEX_ASYNC="1",
        STAFF_REQUIRE_TOTP="0",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="techbridge.settings",
    )
    cluster = Cluster(root=root, env=env)
    cluster.techbridge("writer", "migrate", "--noinput", "-v", "0")
    cluster.script("writer", "world")
    yield cluster
    for _ in urls:  # drop the PostgreSQL database
        pass


def test_two_nodes_find_a_published_record_and_lose_it_after_withdrawal(cluster):
    pks = set(cluster.script("writer", "publish", "两节点钙钛矿叠层电池", "2")["pks"])
    for node in ("node-a", "node-b"):
        cluster.techbridge(node, "index-follow", "--once")
        assert cluster.found(node, "钙钛矿叠层") == pks, node
    cluster.script("writer", "withdraw", *map(str, sorted(pks)))
    for node in ("node-a", "node-b"):
        cluster.techbridge(node, "index-follow", "--once")
        assert cluster.found(node, "钙钛矿叠层") == set(), node
        check = cluster.techbridge(node, "index-check")
        assert "index matches the database" in check.stdout
        assert "lag 0 changes" in check.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")
    except (urllib.error.URLError, ConnectionError):
        return 0, None  # not listening yet


def _wait(predicate: Any, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout} s")


def test_two_web_servers_follow_the_log(cluster):
    """Two `techbridge serve` processes (gunicorn, two workers each) with their own index
    directories: both find a record soon after it is published and lose it after it is
    withdrawn; /healthz and /readyz answer on both."""
    servers = {}
    try:
        for node in ("web-a", "web-b"):
            port = _free_port()
            env = {**cluster.env, "SEARCH_INDEX_DIR": str(cluster.root / node)}
            servers[node] = (
                f"http://127.0.0.1:{port}",
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "techbridge.cli",
                        "serve",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "2",
                        "--access-log",
                        "",
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                ),
            )
        for base, _process in servers.values():
            _wait(lambda base=base: _get(f"{base}/readyz")[0] == 200, 60)
            assert _get(f"{base}/healthz") == (200, {"status": "ok"})

        def ids(base: str) -> set[int]:
            status, body = _get(f"{base}/api/v1/search?q={quote('氮化镓功率器件')}&limit=50")
            assert status == 200
            return {r["id"] for r in body["results"]}

        pks = set(cluster.script("writer", "publish", "多节点氮化镓功率器件", "1")["pks"])
        for base, _process in servers.values():
            _wait(lambda base=base: ids(base) == pks, 20)
        cluster.script("writer", "withdraw", *map(str, sorted(pks)))
        for base, _process in servers.values():
            _wait(lambda base=base: ids(base) == set(), 20)
            status, body = _get(f"{base}/readyz")
            assert status == 200 and body["database"]["ok"] and body["index"]["ok"]
    finally:
        for _base, process in servers.values():
            process.send_signal(signal.SIGTERM)
        for _base, process in servers.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def test_kill_9_right_after_commit_loses_no_change(cluster):
    done = cluster.run(
        "killed",
        "-m",
        "techbridge.search.tests.nodes",
        "publish-and-die",
        str(KILL_N),
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    start = json.loads(done.stdout.strip().splitlines()[0])
    logged = cluster.script("writer", "log-since", str(start["before"]))
    assert logged["kinds"] == {"achievement": KILL_N}  # one change per publication
    # The killed process' own node (its follower died mid-way) and a node that never saw
    # any of it both converge.
    for node in ("killed", "fresh"):
        cluster.techbridge(node, "worker", "--burst")
        check = cluster.techbridge(node, "index-check", check=False)
        assert check.returncode == 0, check.stdout + check.stderr
        assert len(cluster.found(node, "被强杀前提交的成果")) == min(KILL_N, 100)
