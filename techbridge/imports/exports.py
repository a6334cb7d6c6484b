"""Writing CSV (UTF-8 with BOM, so spreadsheet software reads Chinese), XLSX and JSONL.

Text cells that begin with = + - @ (or a tab / carriage return) are neutralised with a
leading apostrophe so a spreadsheet never evaluates them as formulas (CSV/XLSX
injection). Numbers stay numbers; JSONL keeps the raw values, since it is not opened by
spreadsheet software.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "；".join(str(v) for v in value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    return value


#: Spreadsheet number formats: amounts with thousands separators and two decimals.
AMOUNT_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _xlsx_cell(sheet: Any, value: Any, cell_class: Any) -> Any:
    """A value as a spreadsheet cell: Decimal amounts as numbers (Excel sums them) with a
    number format, dates as dates, text neutralised. A Decimal becomes a float only
    here, in the file: two decimals of up to 15 digits are exact in a double."""
    if isinstance(value, bool) or value is None or isinstance(value, list | tuple):
        value = _cell(value)
        return neutralise(value) if isinstance(value, str) else value
    if isinstance(value, Decimal):
        cell = cell_class(sheet, value=float(value))
        in_fen = value == value.quantize(Decimal("0.01"))
        cell.number_format = AMOUNT_FORMAT if in_fen else "0.########"
        return cell
    if isinstance(value, datetime):
        naive = value if value.tzinfo is None else _local(value)
        cell = cell_class(sheet, value=naive)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = cell_class(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return neutralise(value) if isinstance(value, str) else value


def _local(value: datetime) -> datetime:
    """Spreadsheets know no time zones: the local wall-clock time."""
    from django.utils import timezone

    return timezone.localtime(value).replace(tzinfo=None)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def write_table(
    out: BinaryIO, fmt: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Write rows under headers to a binary stream; return the number of rows."""
    count = 0
    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
        writer = csv.writer(text)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([neutralise(_cell(v)) for v in row])
            count += 1
        text.flush()
        text.detach()
    elif fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.freeze_panes = "A2"  # the header row stays in view
        bold = Font(bold=True)
        header_cells = []
        for h in headers:
            cell = WriteOnlyCell(sheet, value=str(h))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            sheet.append([_xlsx_cell(sheet, v, WriteOnlyCell) for v in row])
            count += 1
        workbook.save(out)
    elif fmt == "jsonl":
        for row in rows:
            record = dict(zip(headers, row, strict=True))
            out.write(
                json.dumps(record, ensure_ascii=False, default=_json_default).encode() + b"\n"
            )
            count += 1
    else:
        raise ValueError(f"unknown export format {fmt}")
    return count


def write_file(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    fmt = path.suffix.lower().lstrip(".")
    fmt = {"ndjson": "jsonl", "json": "jsonl"}.get(fmt, fmt)
    with path.open("wb") as fh:
        return write_table(fh, fmt, headers, rows)
