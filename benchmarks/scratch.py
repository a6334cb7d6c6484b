"""A database of a benchmark's own: a temporary data directory (SQLite file, search index,
media) or, when DATABASE_URL names PostgreSQL, a new database ``tb_bench_<tag>_<pid>`` next
to it, dropped at the end. Benchmarks never touch var/. Call before ``django.setup()``."""

from __future__ import annotations

import os
import shutil
import tempfile


def setup_database(tag: str) -> tuple[str, str | None]:
    """Point Django at a database of our own; returns (description, PG name to drop)."""
    data_dir = tempfile.mkdtemp(prefix=f"tb-bench-{tag}-")
    os.environ["TECHBRIDGE_DATA_DIR"] = data_dir
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        name = f"tb_bench_{tag}_{os.getpid()}"
        base, _, _old = url.rpartition("/")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{base}/{name}"
        return f"PostgreSQL ({name})", name
    os.environ.pop("DATABASE_URL", None)
    return f"SQLite ({data_dir})", None


def drop_database(original_url: str, name: str) -> None:
    """Drop the PostgreSQL database ``setup_database`` made (after closing Django's
    connections to it)."""
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(original_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def clean_up(original_url: str, name: str | None, *, keep: bool) -> None:
    """At the end of a run: drop the scratch database and its data directory, or, with
    ``keep``, say where they are for a look afterwards."""
    data_dir = os.environ["TECHBRIDGE_DATA_DIR"]
    if keep:
        print(f"kept {name or data_dir}")
        return
    if name:
        drop_database(original_url, name)
    shutil.rmtree(data_dir, ignore_errors=True)
