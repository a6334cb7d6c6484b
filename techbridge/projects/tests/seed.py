"""The seed ledger of the acceptance test, built here: the first batch of 京筑 cooperation
projects — 106 signed, 97 started (开工/启动), 465.66亿 total investment and 70.8679亿
funds in place — with amounts written the ways departments write them (yuan, 1,234,567.89,
万, 亿) and stages as Chinese words."""

from __future__ import annotations

import csv
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

TOTAL_FEN = 46_566_000_000_00  # 465.66亿 yuan = 46,566,000,000.00
FUNDS_FEN = 7_086_790_000_00  # 70.8679亿 yuan = 7,086,790,000.00
SIGNED, STARTED, IN_PRODUCTION = 106, 97, 15
BATCH = "首批京筑合作签约项目"

HEADERS = [
    "外部编号",
    "项目名称",
    "签约批次",
    "签约日期",
    "投资方",
    "落地企业",
    "行政区划代码",
    "园区",
    "技术领域",
    "是否合同类",
    "总投资",
    "到位资金",
    "到位资金截至日期",
    "责任部门",
    "项目状态",
    "开工日期",
    "投产日期",
    "停滞或终止原因",
]


def split(total_fen: int, parts: int, rng: random.Random) -> list[int]:
    """``parts`` positive integers (fen) adding up to ``total_fen`` exactly."""
    weights = [rng.randint(1, 80) for _ in range(parts)]
    amounts = [total_fen * w // sum(weights) for w in weights]
    amounts[-1] += total_fen - sum(amounts)
    return amounts


def written(fen: int, style: int) -> Any:
    """The amount as a department writes it: yuan, grouped, 万 or 亿 (all exact)."""
    yuan = Decimal(fen) / 100
    if style == 0:
        return format(yuan.quantize(Decimal("0.01")), "f")
    if style == 1:
        return f"{yuan:,.2f}"
    if style == 2:
        return format((yuan / 10_000).normalize(), "f") + "万"
    return format((yuan / 100_000_000).normalize(), "f") + "亿元"


def stage_of(i: int) -> tuple[str, str, str, str]:
    """(stage word, started on, in production on, reason) of row i."""
    if i < 80:
        return "已开工", f"2014-02-{1 + i % 28:02d}", "", ""
    if i < 80 + IN_PRODUCTION:
        return "已投产", "2014-01-20", f"2014-03-{1 + i % 28:02d}", ""
    if i < STARTED:
        return "停滞", "2014-02-10", "", "施工用电不稳，待电网改造"
    if i < 104:
        return "已签约", "", "", ""
    if i == 104:
        return "停滞", "", "", "用地手续未办结"
    return "终止", "", "", "投资方战略调整"


def rows(*, zone: str, department: str, seed: int = 20140331) -> list[list[Any]]:
    rng = random.Random(seed)
    totals = split(TOTAL_FEN, SIGNED, rng)
    funds = split(FUNDS_FEN, STARTED, rng)
    out = []
    for i in range(SIGNED):
        stage, started, production, reason = stage_of(i)
        out.append(
            [
                f"JZ-2014-{i + 1:03d}",
                f"京筑合作项目{i + 1:03d}号",
                BATCH,
                "2014-01-10",
                f"北京合作企业{i % 37 + 1}有限公司",
                f"贵阳落地企业{i + 1}有限公司",
                "520100",
                zone,
                "电子信息" if i % 3 else "先进制造",
                "是" if i % 2 else "否",
                written(totals[i], i % 4),
                written(funds[i], (i + 1) % 4) if i < STARTED else "",
                "2014-03-31",
                department,
                stage,
                started,
                production,
                reason,
            ]
        )
    return out


def write_csv(path: Path, data: list[list[Any]], headers: list[str] = HEADERS) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(data)
    return path


def write_xlsx(path: Path, data: list[list[Any]], headers: list[str] = HEADERS) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(headers)
    for row in data:
        sheet.append(row)
    workbook.save(path)
    return path
