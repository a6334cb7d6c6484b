"""Fixtures for the multi-process tests: a database the child processes share (a file
copy of the SQLite test database, or a PostgreSQL copy made from the test database as a
template) and the environment that points them at it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
PYTHON = sys.executable


@pytest.fixture(scope="session")
def external_db(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[str]:
    """A DATABASE_URL for child processes, migrated like the test database."""
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            path = tmp_path_factory.mktemp("jobs-db") / "jobs.sqlite3"
            with connection.cursor() as cursor:
                cursor.execute("VACUUM INTO %s", [str(path)])
            yield f"sqlite:///{path}"
            return
        settings_dict = connection.settings_dict
        source = settings_dict["NAME"]
        target = f"{source}_ext"[:60]
        connection.close()
        import psycopg

        params = {
            "host": settings_dict.get("HOST") or "127.0.0.1",
            "port": settings_dict.get("PORT") or 5432,
            "user": settings_dict.get("USER") or "postgres",
            "password": settings_dict.get("PASSWORD") or None,
            "dbname": "postgres",
            "autocommit": True,
        }
        with psycopg.connect(**params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}"')
            admin.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
        user = params["user"]
        password = f":{params['password']}" if params["password"] else ""
        yield f"postgres://{user}{password}@{params['host']}:{params['port']}/{target}"
        with psycopg.connect(**params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


@pytest.fixture
def child_env(external_db: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "JOBS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="techbridge.settings",
        DATABASE_URL=external_db,
        TECHBRIDGE_ENV="development",
        TECHBRIDGE_DATA_DIR=str(tmp_path / "data"),
        SECRET_KEY="jobs-test-" + uuid.uuid4().hex,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        JOBS_EAGER="0",
        JOBS_EXTRA_MODULES="techbridge.jobs.tests.handlers",
        JOBS_RETRY_BASE_SECONDS="0",
        SEARCH_INDEX_ASYNC="0",
        LOG_LEVEL="WARNING",
    )
    return env


def run_child(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [PYTHON, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def techbridge(env: dict[str, str], *args: str, **kw: Any) -> subprocess.CompletedProcess:
    return run_child(env, "-m", "techbridge.cli", *args, **kw)


def broker_answers(url: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    default = 6379 if parts.scheme.startswith("redis") else 5672
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default), 1):
            return True
    except OSError:
        return False
