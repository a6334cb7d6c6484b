"""Importing and exporting catalogue records (issue 3 acceptance)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from techbridge.catalogue.importers import AchievementImporter, ExpertImporter, export_experts
from techbridge.catalogue.models import Achievement, Expert, Status
from techbridge.imports.services import import_file

pytestmark = pytest.mark.django_db

HEADERS_ZH = [
    "外部编号",
    "成果名称",
    "成果简介",
    "关键词",
    "技术领域",
    "成熟度",
    "转化方式",
    "价格",
]


def _rows(n: int, bad_at: int | None = None) -> list[list[str]]:
    rows = []
    for i in range(n):
        trl = "12" if i == bad_at else str(1 + i % 9)
        rows.append(
            [
                f"ACH-{i:04d}",
                f"第{i}号成果：高强铝合金挤压工艺",
                "面向船舶与轨道交通的耐热高韧铝合金",
                "铝合金；挤压、热处理",
                "新材料及其应用" if i % 2 else "new_materials",
                trl,
                "转让、许可",
                f"{10000 + i}.50",
            ]
        )
    return rows


def _csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS_ZH)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _import(path: Path, actor=None, **options):
    importer = AchievementImporter(actor=actor, options=options)
    return import_file(importer, path)


def test_one_bad_row_imports_nothing_then_fixed_then_unchanged(personas, codes, tmp_path) -> None:
    bad = _csv(tmp_path / "bad.csv", _rows(1000, bad_at=499))
    report = _import(bad, org=personas.institution.name)
    assert not report.ok and Achievement.objects.count() == 0
    assert [(e.row, e.column) for e in report.errors] == [(501, "成熟度")]
    assert "between 1 and 9" in report.errors[0].message

    good = _csv(tmp_path / "good.csv", _rows(1000))
    report = _import(good, org=personas.institution.name)
    assert report.ok, report.errors[:3]
    assert (report.created, report.updated, report.unchanged) == (1000, 0, 0)
    assert Achievement.objects.filter(owner=personas.institution).count() == 1000
    record = Achievement.objects.get(external_id="ACH-0003")
    assert record.technical_field == "new_materials" and record.trl == 4
    assert record.transfer_modes == ["transfer", "licence"]
    assert str(record.asking_price) == "10003.50"
    assert record.keywords == ["铝合金", "挤压", "热处理"]
    assert record.region_code == "110000" and record.status == Status.DRAFT

    report = _import(good, org=personas.institution.name)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1000)

    rows = _rows(1000)
    rows[10][1] = "改过的标题"
    report = _import(_csv(tmp_path / "changed.csv", rows), org=personas.institution.name)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 999)
    assert Achievement.objects.get(external_id="ACH-0010").version == 2


def _snapshot() -> list[tuple]:
    return list(
        Achievement.objects.order_by("external_id").values_list(
            "external_id",
            "title",
            "summary",
            "keywords",
            "technical_field",
            "trl",
            "transfer_modes",
            "asking_price",
            "owner_id",
        )
    )


def test_gb18030_bom_csv_and_xlsx_import_identically(personas, codes, tmp_path) -> None:
    rows = _rows(30)
    rows[0][1] = "繁體標題：動畫渲染集群"
    snapshots = []
    gb = _csv(tmp_path / "gb.csv", rows, encoding="gb18030")
    bom = _csv(tmp_path / "bom.csv", rows, encoding="utf-8-sig")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS_ZH)
    for row in rows:
        sheet.append([*row[:5], int(row[5]), row[6], float(row[7])])
    xlsx = tmp_path / "rows.xlsx"
    workbook.save(xlsx)
    for path in (gb, bom, xlsx):
        Achievement.objects.all().delete()
        report = _import(path, org=personas.institution.external_id or personas.institution.name)
        assert report.ok and report.created == 30, report.errors[:3]
        snapshots.append(_snapshot())
    assert snapshots[0] == snapshots[1] == snapshots[2]
    assert snapshots[0][0][1] == "繁體標題：動畫渲染集群"


def test_jsonl_with_english_fields_and_owner_column(personas, codes, tmp_path) -> None:
    personas.institution.external_id = "inst-1"
    personas.institution.save()
    path = tmp_path / "a.jsonl"
    lines = [
        {
            "external_id": "J1",
            "owner": "inst-1",
            "title": "赤泥提铁",
            "keywords": ["赤泥", "提铁"],
            "field": "环境保护与资源综合利用",
            "trl": 5,
            "price_negotiable": "是",
        }
    ]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), "utf-8")
    report = _import(path)
    assert report.ok, report.errors
    record = Achievement.objects.get()
    assert record.owner == personas.institution and record.price_negotiable
    assert record.technical_field == "environment"


def test_publish_on_import_is_for_reviewers_only(personas, codes, tmp_path) -> None:
    path = _csv(tmp_path / "p.csv", _rows(5))
    report = _import(path, actor=personas.owner, publish=True)
    assert not report.ok and "reviewer" in report.errors[0].message
    report = _import(path, actor=None, org=personas.institution.name, publish=True)
    assert not report.ok
    assert Achievement.objects.count() == 0
    report = _import(path, actor=personas.staff, org=personas.institution.name, publish=True)
    assert report.ok and report.created == 5
    assert set(Achievement.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
    # A reviewer never publishes their own organisation's rows.
    report = _import(path, actor=personas.staff, org=personas.bureau.name, publish=True)
    assert Achievement.objects.filter(owner=personas.bureau).count() == 0


def test_members_import_only_for_their_own_organisation(personas, codes, tmp_path) -> None:
    path = _csv(tmp_path / "m.csv", _rows(3))
    report = _import(path, actor=personas.owner, org=personas.other_org.name)
    assert not report.ok and Achievement.objects.count() == 0
    report = _import(path, actor=personas.owner)
    assert report.ok and Achievement.objects.filter(owner=personas.org).count() == 3


def test_unknown_org_is_a_clear_error(personas, codes, tmp_path) -> None:
    report = _import(_csv(tmp_path / "x.csv", _rows(2)), org="没有这个单位")
    assert not report.ok and report.errors[0].column == "--org"


def test_experts_need_consent_and_exports_mask_personal_data(personas, codes, tmp_path) -> None:
    path = tmp_path / "e.csv"
    path.write_text(
        "外部编号,姓名,职称,手机,电子邮件,技术领域,同意书版本\n"
        "E1,张三,研究员,13800001111,zhang@example.org,新材料及其应用,2026-01\n"
        "E2,李四,教授,13800002222,li@example.org,农业,\n",
        "utf-8",
    )
    report = import_file(
        ExpertImporter(actor=None, options={"org": personas.institution.name}), path
    )
    assert not report.ok and report.errors[0].row == 3  # consent missing
    path.write_text(path.read_text("utf-8").replace("农业,\n", "农业,2026-01\n"), "utf-8")
    report = import_file(
        ExpertImporter(actor=None, options={"org": personas.institution.name}), path
    )
    assert report.ok and Expert.objects.count() == 2
    Expert.objects.update(status=Status.PUBLISHED, published_at="2026-01-01T00:00:00Z")
    for user in (None, personas.outsider, personas.staff):
        _headers, rows = export_experts(user=user)
        text = json.dumps([list(map(str, r)) for r in rows], ensure_ascii=False)
        assert "13800001111" not in text and "zhang@example.org" not in text
        assert "138****1111" in text
    _headers, rows = export_experts(user=personas.researcher)  # the owner's member
    assert "13800001111" in json.dumps([list(map(str, r)) for r in rows])


def test_cli_import_and_export_round_trip(personas, codes, tmp_path) -> None:
    path = _csv(tmp_path / "c.csv", _rows(4))
    call_command(
        "import",
        "achievements",
        str(path),
        "--org",
        personas.institution.name,
        "--no-progress",
        verbosity=0,
    )
    assert Achievement.objects.count() == 4
    out = tmp_path / "out.xlsx"
    call_command("export", "achievements", str(out), verbosity=0)
    sheet = load_workbook(out).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "external_id" and len(values) == 5


def test_expert_who_withdrew_consent_is_not_reimported(personas, codes, tmp_path) -> None:
    from techbridge.catalogue import services

    path = tmp_path / "e.csv"
    path.write_text("外部编号,姓名,手机,同意书版本\nE9,钱七,13800003333,2026-01\n", "utf-8")
    options = {"org": personas.institution.name}
    assert import_file(ExpertImporter(actor=None, options=options), path).ok
    expert = Expert.objects.get(external_id="E9")
    services.expert_withdraw_consent(actor=personas.researcher, expert=expert)
    report = import_file(ExpertImporter(actor=None, options=options), path)
    assert not report.ok and report.errors[0].row == 2
    assert Expert.objects.get(pk=expert.pk).phone == ""
