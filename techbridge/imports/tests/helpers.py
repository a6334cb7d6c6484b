"""Small file builders shared by the import tests."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any


def contract(number: int, **over: Any) -> dict[str, Any]:
    """One contracts-import record (English keys, JSON style) for a 技术服务 contract."""
    record: dict[str, Any] = {
        "registration_number": f"2014110108010{number:06d}",
        "name": f"技术合同{number}",
        "type": "技术服务",
        "seller": "北京交通研究院",
        "seller_region": "110108",
        "buyer": "贵阳轨道交通公司",
        "buyer_region": "520100",
        "signed_on": "2014-03-05",
        "contract_amount": "1000.00",
        "technology_amount": "800.00",
        "field": "现代交通",
    }
    record.update(over)
    return {k: v for k, v in record.items() if v is not None}


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


def write_raw_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def write_csv(path: Path, records: list[dict[str, Any]]) -> Path:
    headers: list[str] = []
    for record in records:
        headers.extend(k for k in record if k not in headers)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        for record in records:
            writer.writerow([record.get(h, "") for h in headers])
    return path
