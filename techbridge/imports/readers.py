"""Reading tabular files: CSV (UTF-8 with or without BOM, GB18030 — detected), XLSX and
JSONL. Each row comes out as (row number as the user sees it, {header: value}).

CSV and XLSX have one header row for the whole file; a JSONL line names its own keys, and
real files leave optional keys out, so each line's keys are its headers (``Table.header``
is None). JSON numbers (and NaN/Infinity) are read as exact decimals that keep their
text (``core.money.JSONNumber``), so an amount is judged by what the file holds, never
by a float.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from techbridge.core.money import JSONNumber

FORMATS = ("csv", "xlsx", "jsonl")


class FileFormatError(Exception):
    """The file as a whole cannot be read (wrong format, encoding, no header)."""


Rows = Iterator[tuple[int, dict[str, Any]]]


@dataclass
class Table:
    """A file opened for reading: its header row (None for JSONL) and its data rows."""

    header: list[str] | None
    rows: Rows


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


def _csv_table(path: Path) -> Table:
    text = decode_text(path.read_bytes())
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise FileFormatError(_("The file is empty or has no header row."))
    names = [h.strip() for h in header]

    def rows() -> Rows:
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            yield number, dict(zip(names, values, strict=False))

    return Table(names, rows())


def _xlsx_table(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise FileFormatError(_("The file is not a readable XLSX workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        cells = sheet.iter_rows(values_only=True)
        header = next(cells, None)
        if not header:
            raise FileFormatError(_("The file is empty or has no header row."))
    except BaseException:
        workbook.close()
        raise
    names = [str(h).strip() if h is not None else "" for h in header]

    def rows() -> Rows:
        try:
            for number, values in enumerate(cells, start=2):
                if values is None or all(v is None or str(v).strip() == "" for v in values):
                    continue
                yield (
                    number,
                    {n: ("" if v is None else v) for n, v in zip(names, values, strict=False)},
                )
        finally:
            workbook.close()

    return Table(names, rows())


def _jsonl_rows(path: Path) -> Rows:
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            line = raw.strip()
            if not line:
                continue
            try:
                # Never a float: 1234567.89 stays exact, and "1e10" stays visible as
                # written, so the amount check refuses it like the string "1e10".
                value = json.loads(
                    line.decode("utf-8-sig"), parse_float=JSONNumber, parse_constant=JSONNumber
                )
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise FileFormatError(
                    _("Line %(n)d is not valid JSON: %(e)s") % {"n": number, "e": exc}
                ) from exc
            if not isinstance(value, dict):
                raise FileFormatError(_("Line %(n)d is not a JSON object.") % {"n": number})
            yield number, value


def open_table(path: Path, fmt: str | None = None) -> Table:
    """Open a file; the header of CSV/XLSX is read (and checked) at once."""
    fmt = fmt or detect_format(path)
    if fmt == "csv":
        return _csv_table(path)
    if fmt == "xlsx":
        return _xlsx_table(path)
    return Table(None, _jsonl_rows(path))


def read_rows(path: Path, fmt: str | None = None) -> Rows:
    return open_table(path, fmt).rows
