"""Ledger import errors (row, column and value named; nothing imported), amounts as the
departments write them, updates through a re-import with events and funding history,
and the export re-importing unchanged."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from techbridge.audit.models import AuditEvent
from techbridge.imports.services import import_file
from techbridge.projects.amounts import WAN, YI, parse_cn_amount
from techbridge.projects.importers import ProjectImporter, export_projects
from techbridge.projects.models import Batch, FundingEntry, Project, ProjectEvent
from techbridge.projects.tests import seed

pytestmark = pytest.mark.django_db

HEADERS = [
    "外部编号",
    "项目名称",
    "签约批次",
    "签约日期",
    "投资方",
    "园区",
    "总投资（万元）",
    "到位资金",
    "到位资金截至日期",
    "项目状态",
    "开工日期",
    "停滞或终止原因",
]


def _row(**over):
    values = {
        "id": "GY-001",
        "name": "新能源汽车电池项目",
        "batch": seed.BATCH,
        "signed": "2014-01-10",
        "investor": "北京电池科技有限公司",
        "zone": "贵阳国家高新区",
        "total": "12000",
        "funds": "",
        "as_of": "2014-03-31",
        "stage": "已签约",
        "started": "",
        "reason": "",
    }
    values.update(over)
    return list(values.values())


def _import(ledger, tmp_path, rows, headers=HEADERS, name="l.csv", actor=None):
    path = seed.write_csv(tmp_path / name, rows, headers)
    return import_file(ProjectImporter(actor=actor or ledger.staff), path)


@pytest.mark.parametrize(
    ("written", "unit", "expected"),
    [
        ("150万", "", "1500000.00"),
        ("1,500,000", "", "1500000.00"),
        ("4.6566亿", "", "465660000.00"),
        ("465.66", YI, "46566000000.00"),
        ("70.8679亿元", WAN, "7086790000.00"),  # the cell's unit wins over the column's
        (1234567.89, "", "1234567.89"),
        (12000, WAN, "120000000.00"),
        ("￥3,000.50元", "", "3000.50"),
    ],
)
def test_amount_spellings(written, unit, expected):
    assert parse_cn_amount(written, unit=unit) == Decimal(expected)


@pytest.mark.parametrize(
    "written", ["1,50,000", "1e10", "-5", "1.234", "0.0000001万", "一百万", 1e20]
)
def test_amount_spellings_refused_with_the_value(written):
    with pytest.raises(ValidationError) as exc:
        parse_cn_amount(written)
    assert exc.value.messages


def test_errors_name_row_column_and_value_and_nothing_is_imported(ledger, tmp_path):
    rows = [
        _row(),
        _row(id="GY-002", total="12,00,0"),
        _row(id="GY-003", zone="不存在的园区"),
        _row(id="GY-004", stage="已开工"),
        _row(id="GY-005", stage="停滞"),
        _row(id="GY-006", signed="2014-13-01"),
        _row(id="GY-001", name="重复"),
    ]
    with translation.override("zh-hans"):
        report = _import(ledger, tmp_path, rows)
    assert not report.ok
    found = {(e.row, e.column) for e in report.errors}
    assert (3, "总投资（万元）") in found
    assert (4, "园区") in found
    assert (5, "开工日期") in found
    assert (6, "停滞或终止原因") in found
    assert (7, "签约日期") in found
    assert (8, "外部编号") in found
    messages = " ".join(e.message for e in report.errors)
    assert "12,00,0" in messages and "不存在的园区" in messages and "2014-13-01" in messages
    assert Project.objects.count() == 0 and FundingEntry.objects.count() == 0


def test_errors_read_in_english_too(ledger, tmp_path):
    report = _import(ledger, tmp_path, [_row(zone="不存在的园区")])
    assert "Unknown zone 「不存在的园区」" in report.errors[0].message


def test_unknown_column_and_missing_required_column(ledger, tmp_path):
    report = _import(ledger, tmp_path, [_row()], headers=[*HEADERS[:-1], "备注栏"])
    assert any(e.column == "备注栏" for e in report.errors)
    report = _import(
        ledger,
        tmp_path,
        [_row()[1:]],
        headers=HEADERS[1:] and [h for h in HEADERS if h != "投资方"],
    )
    assert not report.ok


def test_a_reimport_with_changes_updates_and_records_history(ledger, tmp_path):
    assert _import(ledger, tmp_path, [_row(funds="1000")]).ok
    project = Project.objects.get(external_id="GY-001")
    assert project.funds_in_place == Decimal("1000.00")
    assert project.total_investment == Decimal("120000000.00")
    # A month later: started, more funds, and the investment figure corrected.
    report = _import(
        ledger,
        tmp_path,
        [
            _row(
                total="12500",
                funds="2,500",
                stage="已开工",
                started="2014-04-02",
                as_of="2014-04-30",
            )
        ],
        name="l2.csv",
    )
    assert report.ok and (report.created, report.updated) == (0, 1)
    project.refresh_from_db()
    assert (project.stage, project.funds_in_place) == ("started", Decimal("2500.00"))
    assert project.total_investment == Decimal("125000000.00")
    entries = list(FundingEntry.objects.filter(project=project).values_list("entry_date", "amount"))
    assert [str(d) for d, _a in entries] == ["2014-03-31", "2014-04-30"]
    assert [a for _d, a in entries] == [Decimal("1000.00"), Decimal("1500.00")]
    kinds = set(ProjectEvent.objects.filter(project=project).values_list("kind", flat=True))
    assert kinds == {"imported", "updated", "stage", "funding"}
    # Lower reported funds: a correction entry, never an edit of the past.
    assert _import(
        ledger,
        tmp_path,
        [_row(total="12500", funds="2000", stage="已开工", started="2014-04-02")],
        name="l3.csv",
    ).ok
    project.refresh_from_db()
    assert project.funds_in_place == Decimal("2000.00")
    last = FundingEntry.objects.filter(project=project).order_by("-id").first()
    assert last.is_correction and last.amount == Decimal("-500.00")


def test_a_new_batch_is_created_once_and_a_handler_cannot_create_one(ledger, tmp_path):
    rows = [
        _row(batch="大数据推介会签约项目", signed="2015-05-26"),
        _row(id="GY-002", batch="大数据推介会签约项目", signed="2015-05-27"),
    ]
    assert _import(ledger, tmp_path, rows).ok
    batch = Batch.objects.get(name="大数据推介会签约项目")
    assert str(batch.signed_on) == "2015-05-26"
    report = _import(ledger, tmp_path, [_row(id="GY-003", batch="另一批")], actor=ledger.handler)
    assert not report.ok and report.errors[0].column == "签约批次"


def test_a_handler_imports_into_their_department_only(ledger, tmp_path):
    assert _import(ledger, tmp_path, [_row()], actor=ledger.handler).ok
    assert Project.objects.get().responsible_department == ledger.department
    report = _import(
        ledger,
        tmp_path,
        [_row(id="GY-009")],
        headers=HEADERS,
        actor=ledger.other_handler,
        name="x.csv",
    )
    assert report.ok
    other = Project.objects.get(external_id="GY-009")
    assert other.responsible_department == ledger.other_department
    refused = import_file(
        ProjectImporter(actor=ledger.personas.owner),
        seed.write_csv(tmp_path / "o.csv", [_row(id="GY-010")], HEADERS),
    )
    assert not refused.ok and not Project.objects.filter(external_id="GY-010").exists()


def test_export_reimports_unchanged(ledger, tmp_path):
    data = seed.rows(zone=ledger.zone.name, department=ledger.department.name)[:12]
    assert import_file(
        ProjectImporter(actor=ledger.staff), seed.write_xlsx(tmp_path / "a.xlsx", data)
    ).ok
    headers, rows = export_projects(user=ledger.staff)
    exported = seed.write_xlsx(tmp_path / "export.xlsx", [list(r) for r in rows], headers)
    report = import_file(ProjectImporter(actor=ledger.staff), exported)
    assert report.ok, report.errors[:3]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 12)


def test_cli_import_and_export_mask_contacts(ledger, tmp_path, make_project):
    make_project()
    out = tmp_path / "ledger.csv"
    call_command("export", "projects", str(out))
    text = out.read_text(encoding="utf-8-sig")
    assert "13812345678" not in text and "138****5678" in text
    assert AuditEvent.objects.filter(event="export", object_type="export.projects").exists()


def test_formula_cells_are_neutralised_in_the_export(ledger, make_project, tmp_path):
    make_project(name='=HYPERLINK("http://x")')
    out = tmp_path / "ledger.csv"
    call_command("export", "projects", str(out))
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8-sig")
