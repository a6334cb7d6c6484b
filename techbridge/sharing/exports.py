"""Spreadsheets of settlement and sharing: a statement as XLSX, and the service records
for the national instrument-sharing reporting as CSV or XLSX.

XLSX cells hold numbers as numbers (money with the number format 0.00, exact: a Decimal
is written as its digits), the header row is Chinese, bold and frozen. Text cells that
begin with = + - @ are neutralised by ``imports.exports.neutralise`` (formula injection).
CSV goes through ``imports.exports.write_table`` (UTF-8 with BOM).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO

from django.utils import timezone

from techbridge.imports.exports import neutralise, write_table
from techbridge.sharing.models.settlement import LineKind, PartyKind, Statement, StatementLine
from techbridge.sharing.selectors.reports import ServiceRecord

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY = "0.00"
HOURS = "0.00"
PERCENT = "0.00"
WHOLE_NUMBER = "0"
DAY = "yyyy-mm-dd"


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 14
    number_format: str | None = None  # set for number and date columns


@dataclass(frozen=True)
class Formatted:
    """A value with its own number format (in a column of mixed values)."""

    value: Any
    number_format: str


def _cell(sheet: Any, value: Any, number_format: str | None, bold: bool = False) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    if isinstance(value, Formatted):
        value, number_format = value.value, value.number_format
    if isinstance(value, str):
        value = neutralise(value)
    elif isinstance(value, bool):
        value = "是" if value else "否"
    elif isinstance(value, datetime):
        value = timezone.localtime(value).replace(tzinfo=None)
    cell = WriteOnlyCell(sheet, value=value)
    if number_format and isinstance(value, int | Decimal | date):
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_sheet(
    workbook: Any,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    footer: Sequence[Any] | None = None,
) -> int:
    """One sheet: a bold, frozen header row, then ``rows`` (and a bold ``footer``)."""
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title=title)
    sheet.freeze_panes = "A2"
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    sheet.append([_cell(sheet, c.header, None, bold=True) for c in columns])
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, v, c.number_format) for v, c in zip(row, columns, strict=True)])
        count += 1
    if footer is not None:
        sheet.append(
            [
                _cell(sheet, v, c.number_format, bold=True)
                for v, c in zip(footer, columns, strict=True)
            ]
        )
    return count


def _workbook() -> Any:
    from openpyxl import Workbook

    return Workbook(write_only=True)


# --- statements ----------------------------------------------------------------------

STATEMENT_COLUMNS = (
    Column("序号", 6, WHOLE_NUMBER),
    Column("订单编号", 14),
    Column("服务日期", 12, DAY),
    Column("共享资源", 28),
    Column("客户单位", 28),
    Column("类型", 10),
    Column("订单金额（元）", 14, MONEY),
    Column("分成比例（%）", 12, PERCENT),
    Column("分摊人数", 8, WHOLE_NUMBER),
    Column("结算金额（元）", 14, MONEY),
    Column("备注", 30),
)
PARTY_HEADERS = {
    PartyKind.OWNER: "资源方",
    PartyKind.STAFF: "服务人员",
    PartyKind.AGENCY: "专业机构",
    PartyKind.PROGRAMME: "创新券计划",
}


def statement_rows(lines: Iterable[StatementLine]) -> Iterable[list[Any]]:
    for i, line in enumerate(lines, start=1):
        order = line.order
        yield [
            i,
            order.number,
            order.service_date,
            order.resource.name,
            order.customer.name,
            "调整" if line.kind == LineKind.ADJUSTMENT else "订单收入",
            line.order_amount,
            Decimal(line.share_bp) / 100,
            line.split_among,
            line.amount,
            line.note,
        ]


def statement_xlsx(statement: Statement, lines: Iterable[StatementLine], party: str) -> bytes:
    """The statement as a workbook: sheet 明细 (one row per line, a total row) and sheet
    结算单 (number, party, month, total, issue time)."""
    workbook = _workbook()
    footer = ["", "合计", None, "", "", "", None, None, None, statement.total, ""]
    write_sheet(workbook, "明细", STATEMENT_COLUMNS, statement_rows(lines), footer=footer)
    summary: list[list[Any]] = [
        ["结算单号", statement.number],
        ["结算方类型", PARTY_HEADERS.get(PartyKind(statement.party_kind), "")],
        ["结算方", party],
        ["结算月份", f"{statement.run.month:%Y-%m}"],
        ["明细行数", Formatted(statement.lines_count, WHOLE_NUMBER)],
        ["合计（元）", Formatted(statement.total, MONEY)],
        ["签发时间", f"{timezone.localtime(statement.issued_at):%Y-%m-%d %H:%M}"],
    ]
    write_sheet(workbook, "结算单", (Column("项目", 14), Column("内容", 40)), summary)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- national sharing-service records ------------------------------------------------

RECORD_COLUMNS = (
    Column("仪器（资源）名称", 28),
    Column("规格型号", 16),
    Column("生产厂商", 18),
    Column("资源类型", 12),
    Column("所属单位", 28),
    Column("服务日期", 12, DAY),
    Column("服务时段", 14),
    Column("服务机时（小时）", 12, HOURS),
    Column("样品数", 8, WHOLE_NUMBER),
    Column("服务方式", 14),
    Column("用户姓名（脱敏）", 12),
    Column("用户单位", 28),
    Column("用户单位类型", 12),
    Column("用户单位所在地区代码", 12),
    Column("是否对外服务", 10),
    Column("服务内容", 30),
    Column("服务收费（元）", 14, MONEY),
    Column("其中创新券支付（元）", 14, MONEY),
    Column("订单编号", 14),
    Column("订单状态", 12),
)


def record_row(record: ServiceRecord) -> list[Any]:
    return [
        record.resource,
        record.model,
        record.manufacturer,
        record.resource_kind,
        record.owner,
        record.service_date,
        record.time_slot,
        record.hours,
        record.samples,
        record.service_mode,
        record.user_name,
        record.user_organisation,
        record.user_organisation_kind,
        record.user_region,
        record.external,
        record.content,
        record.fee,
        record.voucher,
        record.order_number,
        record.status,
    ]


def write_records(out: BinaryIO, fmt: str, records: Iterable[ServiceRecord]) -> int:
    """Write the records as ``csv`` or ``xlsx`` to ``out``; returns the number of rows."""
    rows = (record_row(r) for r in records)
    if fmt == "csv":
        headers = [c.header for c in RECORD_COLUMNS]
        return write_table(out, "csv", headers, ([_csv(v) for v in row] for row in rows))
    if fmt == "xlsx":
        workbook = _workbook()
        count = write_sheet(workbook, "共享服务记录", RECORD_COLUMNS, rows)
        workbook.save(out)
        return count
    raise ValueError(f"unknown export format {fmt}")


def _csv(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    return value
