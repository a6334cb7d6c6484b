"""Reading tabular files: CSV (UTF-8 with or without BOM, GB18030 — detected), XLSX and
JSONL. Each row comes out as (row number as the user sees it, {header: value})."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

FORMATS = ("csv", "xlsx", "jsonl")


class FileFormatError(Exception):
    """The file as a whole cannot be read (wrong format, encoding, no header)."""


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in {"csv", "txt", "tsv"}:
        return "csv"
    if suffix in {"xlsx", "xlsm"}:
        return "xlsx"
    if suffix in {"jsonl", "ndjson", "json"}:
        return "jsonl"
    raise FileFormatError(
        _("Unsupported file type .%(s)s; use CSV, XLSX or JSONL.") % {"s": suffix}
    )


def decode_text(raw: bytes) -> str:
    """UTF-8 (BOM or not) first, since it is unambiguous when it decodes; then GB18030,
    the superset of GBK/GB2312 that Chinese spreadsheet software writes; then detection."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        raise FileFormatError(_("Cannot tell the file's text encoding; save it as UTF-8."))
    return str(best)


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    text = decode_text(path.read_bytes())
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise FileFormatError(_("The file is empty or has no header row."))
    names = [h.strip() for h in header]
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        yield number, dict(zip(names, values, strict=False))


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise FileFormatError(_("The file is not a readable XLSX workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            raise FileFormatError(_("The file is empty or has no header row."))
        names = [str(h).strip() if h is not None else "" for h in header]
        for number, values in enumerate(rows, start=2):
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            yield (
                number,
                {name: ("" if v is None else v) for name, v in zip(names, values, strict=False)},
            )
    finally:
        workbook.close()


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            line = raw.strip()
            if not line:
                continue
            try:
                value = json.loads(line.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise FileFormatError(
                    _("Line %(n)d is not valid JSON: %(e)s") % {"n": number, "e": exc}
                ) from exc
            if not isinstance(value, dict):
                raise FileFormatError(_("Line %(n)d is not a JSON object.") % {"n": number})
            yield number, value


def read_rows(path: Path, fmt: str | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    fmt = fmt or detect_format(path)
    if fmt == "csv":
        return _csv_rows(path)
    if fmt == "xlsx":
        return _xlsx_rows(path)
    return _jsonl_rows(path)
