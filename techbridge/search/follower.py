"""This node's index follows the change log (ADR 0008).

One process per node is the follower (an exclusive lock on the index directory; the other
web workers only read and reload): it reads new changes in batches, applies them (each
(kind, id) looked up among the PUBLIC records: indexed if there, removed if not) in one
index commit, and only then advances the cursor stored with the index — a crash re-applies
at most one batch, which changes nothing. An index without a cursor (a new node, a node
away longer than the log's retention, a restored database) is rebuilt first.

Where it runs: a daemon thread started by :func:`start` — in every web process (gunicorn's
``post_worker_init`` via ``techbridge serve``, and lazily on the first search or write), in
``techbridge worker``, and in the foreground with ``techbridge index-follow``. Under tests
(``SEARCH_INDEX_ASYNC`` off) the log is applied in the committing thread right after the
commit, so a test sees its change at once.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from techbridge.search import changelog
from techbridge.search.backends import SearchBackend, get_backend
from techbridge.search.changelog import Cursor, node_name

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.2  # a published record is findable on every node well within 2 s
LOCK_RETRY_SECONDS = 2.0  # a non-follower process checks this often whether to take over
PRUNE_SECONDS = 3600.0

_apply_lock = threading.RLock()  # one applier per process; other processes: the file lock
_wake = threading.Event()
_thread: dict[str, Any] = {"thread": None, "pid": 0}


def asynchronous() -> bool:
    default = getattr(settings, "ENVIRONMENT", "") != "test"
    return bool(getattr(settings, "SEARCH_INDEX_ASYNC", default))


# --- cursors (for commands and tests) -------------------------------------------------------


def read_cursor() -> Cursor | None:
    return changelog.read_cursor(get_backend())


def write_cursor(cursor: Cursor) -> None:
    changelog.write_cursor(get_backend(), cursor)


def publish_cursor(*, force: bool = False) -> None:
    changelog.publish_cursor(read_cursor(), force=force)


def prune() -> int:
    return changelog.prune()


def status() -> dict[str, Any]:
    """This node's name, generation, cursor and lag behind the log."""
    backend = get_backend()
    generation = backend.generation()
    cursor = changelog.read_cursor(backend, generation)
    return {"node": node_name(), "generation": generation, **changelog.lag(cursor)}


# --- applying ------------------------------------------------------------------------------


def apply_pending(*, max_batches: int | None = None) -> int:
    """Apply what the log holds beyond this node's cursor (rebuilding first if the index
    has no valid cursor); returns the number of changes read, or -1 if another process of
    this node is the follower."""
    backend = get_backend()
    if not backend.acquire_follower_lock():
        return -1
    total, batches, rebuilt = 0, 0, False
    with _apply_lock:
        while max_batches is None or batches < max_batches:
            applied, more = _apply_batch(backend, rebuild=not rebuilt)
            if applied < 0:
                rebuilt = True
                continue
            total += applied
            batches += 1
            if not more:
                break
        changelog.publish_cursor(changelog.read_cursor(backend))
    return total


def _apply_batch(backend: SearchBackend, *, rebuild: bool = True) -> tuple[int, bool]:
    """One batch; (changes read, whether more may be waiting), or (-1, True) after a
    rebuild."""
    from techbridge.search import indexing

    generation = backend.generation()
    cursor = changelog.read_cursor(backend, generation)
    if cursor is None or not changelog.belongs_to_this_log(cursor):
        if not rebuild:
            raise RuntimeError("search: the rebuilt index has no valid cursor")
        logger.info("search: index of %s has no valid cursor; rebuilding", node_name())
        indexing.rebuild()
        return (-1, True)
    new_rows = changelog.rows_after(cursor.high)
    gap_rows = changelog.rows_in_gaps(cursor.gaps) if cursor.gaps else []
    if new_rows or gap_rows:
        changes: dict[str, set[int]] = {}
        for _id, kind, pk, _at in (*new_rows, *gap_rows):
            changes.setdefault(kind, set()).add(int(pk))
        indexing.apply_changes(changes)
    after = changelog.advance(cursor, new_rows, (row[0] for row in gap_rows))
    if after != cursor:
        if backend.generation() != generation:
            # A rebuild swapped generations during the batch: its own cursor rules.
            return (len(new_rows) + len(gap_rows), True)
        changelog.write_cursor(backend, after)
    return (len(new_rows) + len(gap_rows), len(new_rows) >= changelog.BATCH)


def flush(timeout: float = 60.0) -> bool:
    """Bring this node's index up to the log as it is now: apply it here, or wait for
    this node's follower process; True when caught up."""
    from techbridge.search.models import IndexChange

    target = IndexChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
    deadline = time.monotonic() + timeout
    while True:
        try:
            if apply_pending() >= 0:
                return True
        except Exception:
            logger.exception("search: applying the change log failed")
            return False
        cursor = read_cursor()
        if cursor is not None and cursor.high >= target:
            return True
        if time.monotonic() > deadline:
            return False
        _wake.set()
        time.sleep(0.05)


# --- after a commit -----------------------------------------------------------------------------


def after_commit() -> None:
    """Called once the transaction that logged a change has committed."""
    if asynchronous():
        start()
        _wake.set()  # this process may be the follower: no need to wait for the poll
    else:
        apply_pending()


def on_commit() -> None:
    transaction.on_commit(after_commit)


# --- the background thread -------------------------------------------------------------------


def start() -> None:
    """Run the follower in this process (a daemon thread; one per process, started once).
    A no-op under tests (``SEARCH_INDEX_ASYNC`` off), where changes apply at commit."""
    if not asynchronous():
        return
    thread = _thread["thread"]
    if thread is not None and thread.is_alive() and _thread["pid"] == os.getpid():
        return
    with _apply_lock:
        thread = _thread["thread"]
        if thread is not None and thread.is_alive() and _thread["pid"] == os.getpid():
            return
        thread = threading.Thread(target=follow, name="search-follower", daemon=True)
        _thread.update(thread=thread, pid=os.getpid())
        thread.start()


def follow(*, stop: threading.Event | None = None, poll: float = POLL_SECONDS) -> None:
    """Follow the log until ``stop`` is set: apply while this process holds the node's
    follower lock, otherwise try to take it over every LOCK_RETRY_SECONDS."""
    last_prune = time.monotonic()
    while stop is None or not stop.is_set():
        wait = poll
        try:
            if apply_pending() < 0:
                wait = LOCK_RETRY_SECONDS
            elif time.monotonic() - last_prune > PRUNE_SECONDS:
                last_prune = time.monotonic()
                changelog.prune()
        except Exception:
            logger.exception("search: following the change log failed; retrying")
            connection.close()  # a broken connection is replaced on the next query
            wait = 1.0
        _wake.wait(wait)
        _wake.clear()


def release_locks() -> None:
    """Give up this process' follower lock (tests that switch index directories)."""
    with _apply_lock:
        get_backend().release_follower_lock()


@atexit.register
def _apply_at_exit() -> None:
    """A command that logged changes applies them before it exits if it is the follower
    (otherwise the node's follower does, from the durable log)."""
    thread = _thread["thread"]
    if thread is None or _thread["pid"] != os.getpid():
        return
    try:
        apply_pending(max_batches=20)
    except Exception:
        logger.warning("search: change log not applied at exit; the follower will", exc_info=True)
