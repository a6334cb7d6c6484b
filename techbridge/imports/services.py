"""Running an import: read → validate every row → all-or-nothing apply → report.

One bad row means nothing is imported and the report lists every bad row with its row
number, column and message. A valid file is applied in one transaction; re-importing the
same rows changes nothing (natural keys, compare before write).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.audit.models import AuditEventType, AuditResult
from techbridge.audit.services import audit_record
from techbridge.imports.base import Importer, Outcome
from techbridge.imports.columns import RowError, map_headers
from techbridge.imports.models import ImportRun, ImportStatus
from techbridge.imports.readers import FileFormatError, read_rows

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
) -> list[dict[str, Any]]:
    """Parse and clean every row, collecting errors; return the cleaned rows."""
    columns = {c.name: c for c in importer.columns}
    cleaned_rows: list[dict[str, Any]] = []
    seen_keys: dict[Any, int] = {}
    header_map = None
    for number, raw in read_rows(path):
        report.rows += 1
        if progress is not None:
            progress(1)
        if header_map is None:
            header_map = map_headers(raw.keys(), importer.columns)
            report.unknown_columns = header_map.unknown
            missing = [
                c for c in importer.columns if c.required and c.name not in header_map.by_field
            ]
            for column in missing:
                report.errors.append(RowError(1, column.name, _("Required column is missing.")))
            if missing:
                return []
        assert header_map is not None
        values: dict[str, Any] = {}
        row_errors: list[RowError] = []
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
    if report.rows == 0:
        report.errors.append(RowError(0, "", _("The file has no data rows.")))
    return cleaned_rows


def import_file(
    importer: Importer,
    path: Path,
    *,
    dry_run: bool = False,
    progress: Callable[[int], object] | None = None,
) -> ImportReport:
    """Validate the whole file, then apply it in one transaction (or not at all)."""
    path = Path(path)
    report = ImportReport(kind=importer.kind, file_name=path.name, dry_run=dry_run)
    actor = importer.actor if getattr(importer.actor, "is_authenticated", False) else None
    run = ImportRun.objects.create(
        kind=importer.kind,
        file_name=path.name[:255],
        file_sha256=file_sha256(path),
        status=ImportStatus.RUNNING,
        actor=actor,
    )
    report.run_id = run.pk
    outcome = Outcome()
    try:
        importer.prepare()
        rows = validate_rows(importer, path, report, progress)
        if not report.errors:
            with transaction.atomic():
                outcome = importer.apply(rows, dry_run=dry_run)
                if not dry_run:
                    transaction.on_commit(lambda: importer.after_commit(outcome))
    except FileFormatError as exc:
        report.errors.append(RowError(0, "", str(exc)))
    except ValidationError as exc:  # options such as --org
        for fname, msgs in _messages(exc).items():
            report.errors.append(RowError(0, fname, " ".join(msgs)))
    except BaseException:
        _finish(run, ImportStatus.FAILED, report)
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
        },
    )
    return report


def _finish(run: ImportRun, status: str, report: ImportReport) -> None:
    run.status = status
    run.finished_at = timezone.now()
    run.rows = report.rows
    run.created, run.updated, run.unchanged = report.created, report.updated, report.unchanged
    run.errors = [e.as_dict() for e in report.errors[:MAX_REPORTED_ERRORS]]
    run.save()


def mark_stale_runs_failed() -> int:
    """Runs still 'running' from a process that died (killed mid-import) are failed: their
    transaction was rolled back, so no row of theirs exists."""
    return ImportRun.objects.filter(status=ImportStatus.RUNNING, finished_at__isnull=True).update(
        status=ImportStatus.FAILED, finished_at=timezone.now()
    )
