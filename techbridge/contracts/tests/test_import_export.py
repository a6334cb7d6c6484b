"""`techbridge import contracts` / `techbridge export contracts`: all-or-nothing, row-level
report, idempotent by registration number, exact amounts both ways."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import load_workbook

from techbridge.audit.models import AuditEvent
from techbridge.contracts import services
from techbridge.contracts.importers import ContractImporter
from techbridge.contracts.models import ContractEvent, ContractStatus, TechnologyContract
from techbridge.imports.services import import_file

pytestmark = pytest.mark.django_db

ZH_HEADERS = [
    "合同登记号",
    "合同名称",
    "合同类型",
    "卖方",
    "卖方地区",
    "卖方国别",
    "卖方类型",
    "买方",
    "买方地区",
    "买方国别",
    "买方类型",
    "签订日期",
    "合同成交额",
    "技术交易额",
    "技术领域",
    "知识产权类型",
]


def _row(number: str, amount: str = "1234567.89", **over: str) -> list[str]:
    values = {
        "number": number,
        "name": "城市轨道交通信号系统开发",
        "type": "技术开发",
        "seller": "北京交通研究院",
        "seller_region": "110108",
        "seller_country": "CN",
        "seller_type": "021",
        "buyer": "贵阳轨道交通公司",
        "buyer_region": "520100",
        "buyer_country": "156",
        "buyer_type": "110",
        "signed_on": "2014-03-05",
        "amount": amount,
        "tech": "1000000",
        "field": "现代交通",
        "ip": "",
    }
    values.update(over)
    return list(values.values())


def _csv(path: Path, rows: list[list[str]], headers: list[str] = ZH_HEADERS) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def test_import_with_chinese_headers_round_trips_exact_amount(personas, codes, tmp_path):
    path = _csv(tmp_path / "contracts.csv", [_row("2014110108010000001")])
    call_command("import", "contracts", str(path), "--no-progress")
    contract = TechnologyContract.objects.get()
    assert contract.status == ContractStatus.REGISTERED
    assert contract.contract_amount == Decimal("1234567.89")
    assert contract.technical_field == "modern_transport"
    assert contract.seller_country == "156" and contract.buyer_type == "110"
    assert contract.events.get().kind == "imported"
    for suffix in ("csv", "xlsx", "jsonl"):
        out = tmp_path / f"out.{suffix}"
        call_command("export", "contracts", str(out))
        if suffix == "csv":
            text = out.read_text(encoding="utf-8-sig")
            assert "1234567.89" in text and "2014110108010000001" in text
        elif suffix == "xlsx":
            sheet = load_workbook(out).active
            headers = [cell.value for cell in sheet[1]]
            amount = sheet.cell(row=2, column=headers.index("contract_amount") + 1)
            # A number Excel can sum, shown to the fen, and exact when read back.
            assert isinstance(amount.value, float) and amount.number_format == "#,##0.00"
            assert Decimal(repr(amount.value)) == Decimal("1234567.89")
        else:
            record = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
            assert record["contract_amount"] == "1234567.89"
    # The export re-imports as "unchanged": same format, idempotent.
    report = import_file(ContractImporter(actor=None), tmp_path / "out.xlsx")
    assert report.ok and report.unchanged == 1 and report.created == 0


def test_reimport_is_idempotent_and_updates_by_number(personas, codes, tmp_path):
    path = _csv(tmp_path / "a.csv", [_row("2014110108010000001"), _row("2014110108010000002")])
    first = import_file(ContractImporter(actor=None), path)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    created = AuditEvent.objects.filter(
        event="create", object_type="contracts.technologycontract", detail={"via": "import"}
    )
    assert sorted(created.values_list("object_repr", flat=True)) == [
        "2014110108010000001",
        "2014110108010000002",
    ]
    assert ContractEvent.objects.filter(kind="imported").count() == 2
    second = import_file(ContractImporter(actor=None), path)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    changed = _csv(tmp_path / "b.csv", [_row("2014110108010000001", amount="2000000")])
    third = import_file(ContractImporter(actor=None), changed)
    assert (third.created, third.updated) == (0, 1)
    contract = TechnologyContract.objects.get(registration_number="2014110108010000001")
    assert contract.contract_amount == Decimal("2000000.00")
    assert contract.events.filter(kind="amended").count() == 1


@pytest.mark.parametrize("bad", ["-1", "NaN", "1e10", "1,50,000", "12,345.678"])
def test_one_bad_row_imports_nothing_and_names_row_and_column(personas, codes, tmp_path, bad):
    path = _csv(
        tmp_path / "bad.csv",
        [_row("2014110108010000001"), _row("2014110108010000002", amount=bad)],
    )
    report = import_file(ContractImporter(actor=None), path)
    assert not report.ok
    assert TechnologyContract.objects.count() == 0
    assert [(e.row, e.column) for e in report.errors] == [(3, "合同成交额")]


def test_cross_field_errors_are_reported(personas, codes, tmp_path):
    path = _csv(
        tmp_path / "bad.csv",
        [
            _row("1", tech="2000000"),
            _row("2", type="技术转让"),
            _row("3", buyer_region="999999"),
            _row("4"),
            _row("4"),
        ],
    )
    report = import_file(ContractImporter(actor=None), path)
    columns = {(e.row, e.column) for e in report.errors}
    assert (2, "技术交易额") in columns
    assert (3, "知识产权类型") in columns
    assert (4, "买方地区") in columns
    assert any(e.row == 6 and "Duplicate" in e.message for e in report.errors)
    assert TechnologyContract.objects.count() == 0


def test_jsonl_with_english_fields_and_pending_rows(personas, codes, tmp_path):
    path = tmp_path / "c.jsonl"
    record = {
        "name": "待登记合同",
        "type": "service",
        "seller": personas.org.name,
        "seller_region": "520100",
        "buyer": "某公司",
        "buyer_region": "110108",
        "signed_on": "2024-02-01",
        "contract_amount": "500",
        "technology_amount": "400",
        "field": "electronic_information",
    }
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_file(ContractImporter(actor=None), path).created == 1
    contract = TechnologyContract.objects.get()
    assert contract.status == ContractStatus.SUBMITTED
    assert contract.seller_organisation == personas.org
    assert import_file(ContractImporter(actor=None), path).unchanged == 1


def test_imported_numbers_advance_the_counter(personas, make_contract, tmp_path):
    year = timezone.localdate().year
    number = f"{year}52010001{123:07d}"
    _csv(tmp_path / "h.csv", [_row(number, signed_on=f"{year}-01-02")])
    import_file(ContractImporter(actor=None), tmp_path / "h.csv")
    contract = make_contract(submit=True)
    services.contract_certify_and_register(actor=personas.staff, contract=contract)
    assert contract.registration_number == f"{year}52010001{124:07d}"


def test_dry_run_changes_nothing(personas, codes, tmp_path):
    path = _csv(tmp_path / "a.csv", [_row("2014110108010000001")])
    call_command("import", "contracts", str(path), "--dry-run", "--no-progress")
    assert TechnologyContract.objects.count() == 0
    bad = _csv(tmp_path / "bad.csv", [_row("2014110108010000001", amount="-1")])
    with pytest.raises(CommandError):
        call_command("import", "contracts", str(bad), "--no-progress")
