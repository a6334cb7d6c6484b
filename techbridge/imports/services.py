"""Running an import: read → validate every row → apply in chunks → report.

One bad row means nothing is imported and the report lists every bad row with its row
number, column and message. A valid file is then written in chunks of ``CHUNK_ROWS``
rows, each chunk its own short transaction (with its audit rows, events and
after-commit hooks), so other writers wait at most one chunk, not the whole file — on
SQLite an import holds the one write lock only while a chunk is written.

The run-level guarantee is "resumable to exactly all" (ADR 0006): every importer writes
idempotently by natural key, so if the process dies after chunk k the committed chunks
stay, the run is marked failed ("interrupted at data row N") — at once when Python can,
or by the next import when the process was killed (``mark_stale_runs_failed``) — and
re-importing the same file writes the rest; rows already written count as unchanged.
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.audit.models import AuditEventType, AuditResult
from techbridge.audit.services import audit_record
from techbridge.imports.base import Importer, Outcome
from techbridge.imports.columns import HeaderMap, RowError, map_headers, unknown_column_message
from techbridge.imports.models import ImportRun, ImportStatus
from techbridge.imports.readers import FileFormatError, open_table

# Rows per write transaction, at most. Unless the caller fixes the size, chunks are also
# kept near CHUNK_SECONDS each (the size follows the last chunk's speed), so on a slow or
# busy machine a concurrent request's write still waits well under a second.
CHUNK_ROWS = 2000
CHUNK_SECONDS = 0.3
_MIN_CHUNK_ROWS = 100
# SQLite has one write lock and no queue: a writer that found it taken sleeps (its busy
# handler backs off to 100 ms naps) and would lose the race to the import's next BEGIN
# every time. A pause this long after each committed chunk lets every waiting writer in.
SQLITE_YIELD_SECONDS = 0.1
# A running import touches its run row at least this often, also while validating.
HEARTBEAT_SECONDS = 30
# A run whose heartbeat is older than this is taken for dead (the process may be on
# another host, where its pid cannot be checked). settings.IMPORT_STALE_MINUTES overrides.
STALE_MINUTES = 10
# JSONL lines usually share a few key orders; cache their header maps, but not without end.
_MAX_CACHED_KEY_SETS = 256
MAX_REPORTED_ERRORS = 1000


@dataclass
class ImportReport:
    kind: str
    file_name: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    run_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return _("%(n)d error(s); nothing was imported.") % {"n": len(self.errors)}
        verb = _("would be") if self.dry_run else _("were")
        return _(
            "%(rows)d rows: %(new)d new, %(upd)d updated, %(same)d unchanged (%(verb)s applied)."
        ) % {
            "rows": self.rows,
            "new": self.created,
            "upd": self.updated,
            "same": self.unchanged,
            "verb": verb,
        }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    return {"": [str(m) for m in exc.messages]}


def validate_rows(
    importer: Importer,
    path: Path,
    report: ImportReport,
    progress: Callable[[int], object] | None = None,
    heartbeat: Callable[[], object] | None = None,
) -> list[dict[str, Any]]:
    """Parse and clean every row, collecting errors; return the cleaned rows.

    CSV/XLSX headers are matched once; a JSONL line's own keys are its headers, so a key
    that first appears on line 500 is read there. A header or key that no column knows
    is an error (a typo would otherwise lose a column silently)."""
    columns = {c.name: c for c in importer.columns}
    ignored = getattr(importer, "ignored_headers", ())
    table = open_table(path)
    cleaned_rows: list[dict[str, Any]] = []
    seen_keys: dict[Any, int] = {}
    unknown: dict[str, None] = {}
    header_map: HeaderMap | None = None
    if table.header is not None:
        header_map = map_headers(table.header, importer.columns, ignored)
        for name in header_map.unknown:
            unknown.setdefault(name, None)
            report.errors.append(RowError(1, name, unknown_column_message(name, importer.columns)))
        missing = [c for c in importer.columns if c.required and c.name not in header_map.by_field]
        for column in missing:
            report.errors.append(RowError(1, column.name, _("Required column is missing.")))
        report.unknown_columns = list(unknown)
        if missing:
            return []
    key_maps: dict[tuple[str, ...], HeaderMap] = {}
    for number, raw in table.rows:
        report.rows += 1
        if progress is not None:
            progress(1)
        if heartbeat is not None:
            heartbeat()
        row_errors: list[RowError] = []
        if table.header is None:
            keys = tuple(raw)
            header_map = key_maps.get(keys)
            if header_map is None:
                header_map = map_headers(keys, importer.columns, ignored)
                if len(key_maps) < _MAX_CACHED_KEY_SETS:
                    key_maps[keys] = header_map
            for name in header_map.unknown:
                unknown.setdefault(name, None)
                row_errors.append(
                    RowError(number, name, unknown_column_message(name, importer.columns))
                )
        assert header_map is not None
        values: dict[str, Any] = {}
        for name, column in columns.items():
            header = header_map.by_field.get(name)
            cell = raw.get(header, "") if header else ""
            empty = cell is None or (isinstance(cell, str) and not cell.strip()) or cell == []
            if empty:
                if column.required:
                    row_errors.append(
                        RowError(number, header or name, _("This field is required."))
                    )
                elif header is not None or column.default != "":
                    values[name] = column.default
                continue
            try:
                values[name] = column.parse(cell) if column.parse else str(cell).strip()
            except ValidationError as exc:
                row_errors.append(RowError(number, header or name, " ".join(exc.messages)))
        if not row_errors:
            try:
                cleaned = importer.clean_row(values)
            except ValidationError as exc:
                for fname, msgs in _messages(exc).items():
                    header = header_map.by_field.get(fname, fname)
                    row_errors.append(RowError(number, header, " ".join(msgs)))
            else:
                key = importer.natural_key(cleaned)
                if key is not None and key in seen_keys:
                    row_errors.append(
                        RowError(
                            number,
                            header_map.by_field.get("external_id", "external_id"),
                            _("Duplicate of row %(row)d in the same file.")
                            % {"row": seen_keys[key]},
                        )
                    )
                else:
                    if key is not None:
                        seen_keys[key] = number
                    cleaned_rows.append(cleaned)
        if row_errors and len(report.errors) < MAX_REPORTED_ERRORS:
            report.errors.extend(row_errors)
    report.unknown_columns = list(unknown)
    if report.rows == 0:
        report.errors.append(RowError(0, "", _("The file has no data rows.")))
    return cleaned_rows


def import_file(
    importer: Importer,
    path: Path,
    *,
    dry_run: bool = False,
    progress: Callable[[int], object] | None = None,
    chunk_rows: int | None = None,
) -> ImportReport:
    """Validate the whole file (no writes), then apply it in chunks of ``chunk_rows``
    (default ``CHUNK_ROWS``), each in its own transaction; a run that dies part-way is
    resumed by importing the same file again (see the module docstring)."""
    path = Path(path)
    mark_stale_runs_failed()
    report = ImportReport(kind=importer.kind, file_name=path.name, dry_run=dry_run)
    actor = importer.actor if getattr(importer.actor, "is_authenticated", False) else None
    run = ImportRun.objects.create(
        kind=importer.kind,
        file_name=path.name[:255],
        file_sha256=file_sha256(path),
        status=ImportStatus.RUNNING,
        actor=actor,
        pid=os.getpid(),
        host=_host(),
        heartbeat_at=timezone.now(),
    )
    report.run_id = run.pk
    outcome = Outcome()
    try:
        importer.prepare()
        rows = validate_rows(importer, path, report, progress, _Heartbeat(run.pk))
        if not report.errors:
            outcome = _apply_in_chunks(importer, run, rows, dry_run=dry_run, size=chunk_rows)
    except FileFormatError as exc:
        report.errors.append(RowError(0, "", str(exc)))
    except ValidationError as exc:  # options such as --org
        for fname, msgs in _messages(exc).items():
            report.errors.append(RowError(0, fname, " ".join(msgs)))
    except BaseException:
        # Interrupted (a database error, Ctrl-C, a bug): the committed chunks stay.
        _finish(run, ImportStatus.FAILED, report, message=_interrupted(run.rows_done))
        raise
    report.created, report.updated, report.unchanged = (
        outcome.created,
        outcome.updated,
        outcome.unchanged,
    )
    status = (
        ImportStatus.FAILED
        if report.errors
        else ImportStatus.DRY_RUN
        if dry_run
        else ImportStatus.SUCCEEDED
    )
    _finish(run, status, report)
    audit_record(
        AuditEventType.IMPORT,
        actor=importer.actor,
        result=AuditResult.FAILURE if report.errors else AuditResult.SUCCESS,
        object_type=f"import.{importer.kind}",
        object_id=str(run.pk),
        object_repr=path.name[:200],
        detail={
            "rows": report.rows,
            "new": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "errors": len(report.errors),
            "dry_run": dry_run,
            "chunks": run.chunks_done,
        },
    )
    return report


def _apply_in_chunks(
    importer: Importer,
    run: ImportRun,
    rows: list[dict[str, Any]],
    *,
    dry_run: bool,
    size: int | None,
) -> Outcome:
    """Apply ``rows`` chunk by chunk. Each chunk's rows, audit rows, events and the run's
    progress commit together, so ``run.rows_done`` is exactly what is visible. ``size``
    fixes the rows per chunk; None means at most CHUNK_ROWS, about CHUNK_SECONDS each."""
    total = Outcome()
    largest = size or CHUNK_ROWS
    # Unmeasured, start small: the first chunk alone must not hold the lock for long.
    rows_now = largest if size else min(largest, 4 * _MIN_CHUNK_ROWS)
    # Inside a caller's transaction (tests) the chunks are savepoints: nobody waits.
    polite = connection.vendor == "sqlite" and not connection.in_atomic_block and not dry_run
    start = 0
    while start < len(rows):
        part = rows[start : start + rows_now]
        began = time.monotonic()
        with transaction.atomic():
            outcome = importer.apply(part, dry_run=dry_run)
            if not dry_run:
                transaction.on_commit(partial(importer.after_commit, outcome))
                ImportRun.objects.filter(pk=run.pk).update(
                    rows_done=start + len(part),
                    chunks_done=run.chunks_done + 1,
                    heartbeat_at=timezone.now(),
                )
        took = time.monotonic() - began
        # Counted only once the chunk is committed: ``total`` never includes rolled-back
        # rows, and the objects of earlier chunks are not kept in memory.
        total.created += outcome.created
        total.updated += outcome.updated
        total.unchanged += outcome.unchanged
        run.chunks_done += 1
        start += len(part)
        if not dry_run:
            run.rows_done = start
        if size is None and took > 0:
            # Follow the measured speed, at most doubling per step.
            wanted = int(len(part) * CHUNK_SECONDS / took)
            floor = min(_MIN_CHUNK_ROWS, largest)
            rows_now = max(floor, min(largest, wanted, 2 * len(part)))
        if polite and start < len(rows):
            time.sleep(SQLITE_YIELD_SECONDS)
    return total


class _Heartbeat:
    """Touches the run row at most every HEARTBEAT_SECONDS (validation of a large file
    takes minutes and writes nothing else)."""

    def __init__(self, run_pk: int) -> None:
        self.run_pk = run_pk
        self.last = time.monotonic()

    def __call__(self) -> None:
        now = time.monotonic()
        if now - self.last >= HEARTBEAT_SECONDS:
            self.last = now
            ImportRun.objects.filter(pk=self.run_pk).update(heartbeat_at=timezone.now())


def _host() -> str:
    return socket.gethostname()[:255]


def _interrupted(rows_done: int) -> str:
    return _(
        "Interrupted at data row %(row)d: the rows before it are imported, the rest are "
        "not; re-run the same file to resume (rows already imported count as unchanged)."
    ) % {"row": rows_done + 1}


def _finish(run: ImportRun, status: str, report: ImportReport, message: str = "") -> None:
    run.status = status
    run.finished_at = timezone.now()
    run.rows = report.rows
    run.created, run.updated, run.unchanged = report.created, report.updated, report.unchanged
    run.errors = [e.as_dict() for e in report.errors[:MAX_REPORTED_ERRORS]]
    run.message = message
    # Only the fields this process owns: rows_done/chunks_done were written with the
    # chunks and must not be overwritten with a stale in-memory value.
    run.save(
        update_fields=[
            "status",
            "finished_at",
            "rows",
            "created",
            "updated",
            "unchanged",
            "errors",
            "message",
        ]
    )


def _process_gone(run: ImportRun, host: str) -> bool:
    if not run.pid or run.host != host:
        return False
    try:
        os.kill(run.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's process
        return False
    return False


def mark_stale_runs_failed(*, stale_after: timedelta | None = None) -> int:
    """Fail runs left 'running' by a process that died (killed mid-import): its process
    is gone on this host, or it sent no heartbeat for ``stale_after``. Their committed
    chunks stay; the message says from which row a re-run of the same file resumes.
    Called at the start of every import; returns how many runs were failed."""
    if stale_after is None:
        stale_after = timedelta(
            minutes=getattr(settings, "IMPORT_STALE_MINUTES", STALE_MINUTES)
        )
    now = timezone.now()
    cutoff = now - stale_after
    host = _host()
    failed = 0
    running = ImportRun.objects.filter(status=ImportStatus.RUNNING, finished_at__isnull=True)
    for run in running.only("pk", "pid", "host", "heartbeat_at", "started_at", "rows_done"):
        silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        gone = _process_gone(run, host)
        # Conditional update: a run that finished (or beat) meanwhile is left alone.
        candidates = ImportRun.objects.filter(pk=run.pk, status=ImportStatus.RUNNING)
        if not gone:
            candidates = candidates.filter(silent)
        failed += candidates.update(
            status=ImportStatus.FAILED, finished_at=now, message=_interrupted(run.rows_done)
        )
    return failed
