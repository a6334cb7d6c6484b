"""Imports and exports of rates and usage records: XLSX and CSV with Chinese headers,
all-or-nothing, idempotent, errors naming row, column and value; exports re-import
unchanged and mask the customer contact."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from techbridge.sharing.importers import (
    RateImporter,
    UsageImporter,
    export_rates,
    export_usage,
    run_import,
)
from techbridge.sharing.models import OrderStatus, Rate, RateClass, ServiceOrder
from techbridge.sharing.services import orders as services
from techbridge.sharing.tests.conftest_orders import OrderWorld, at, make_booking, ow_fixture  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)


def _xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _csv(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


RATE_HEADER = [
    "资源名称",
    "收费类别",
    "计费单位",
    "单价（元）",
    "最低收费（元）",
    "计费依据",
    "迟取消费比例",
    "生效日期",
]


def test_rates_import_from_xlsx_with_chinese_labels_and_is_idempotent(
    ow: OrderWorld, tmp_path: Path
) -> None:
    name = ow.resource.name
    path = _xlsx(
        tmp_path / "rates.xlsx",
        [
            RATE_HEADER,
            [name, "企业", "按小时", 230, "60.00", "实际使用机时", "40%", dt.date(2027, 1, 1)],
            [
                name,
                "合作地区企业",
                "按小时",
                "200.50",
                "",
                "预约与实际机时取大者",
                0.3,
                "2027-01-01",
            ],
            [name, "企业", "按小时", "240", "60", "实际使用机时", "", "2027年7月1日"],
        ],
    )
    report = run_import("sharing-rates", actor=ow.personas.researcher, path=path, dry_run=False)
    assert report.ok, report.errors
    assert (report.created, report.unchanged) == (3, 0)
    january = Rate.objects.get(
        resource=ow.resource, rate_class=RateClass.ENTERPRISE, effective_from=dt.date(2027, 1, 1)
    )
    assert january.price == Decimal("230.00") and january.late_cancellation_bp == 4000
    assert january.effective_until == dt.date(2027, 6, 30)  # ended by the July rate
    partner = Rate.objects.get(
        resource=ow.resource,
        rate_class=RateClass.PARTNER_ENTERPRISE,
        effective_from=dt.date(2027, 1, 1),
    )
    assert partner.price == Decimal("200.50") and partner.late_cancellation_bp == 3000
    assert partner.billed_on == "greater" and partner.minimum_charge == Decimal("0.00")
    old = Rate.objects.get(pk=ow.rates[RateClass.ENTERPRISE].pk)
    assert old.effective_until == dt.date(2026, 12, 31)
    again = run_import("sharing-rates", actor=ow.personas.researcher, path=path, dry_run=False)
    assert again.ok and (again.created, again.unchanged) == (0, 3)


def test_one_bad_rate_row_imports_nothing_and_names_row_column_value(
    ow: OrderWorld, tmp_path: Path
) -> None:
    name = ow.resource.name
    path = _csv(
        tmp_path / "rates.csv",
        [
            RATE_HEADER,
            [name, "企业", "按小时", "230", "", "实际使用机时", "", "2027-01-01"],
            [name, "贵宾", "按小时", "230", "", "实际使用机时", "", "2027-01-01"],
            ["不存在的仪器", "企业", "按小时", "230", "", "实际使用机时", "", "2027-02-01"],
            [name, "企业", "按小时", "1e5", "", "实际使用机时", "", "2027-03-01"],
        ],
    )
    before = Rate.objects.count()
    report = run_import("sharing-rates", actor=ow.personas.researcher, path=path, dry_run=False)
    assert not report.ok and Rate.objects.count() == before
    found = {(e.row, e.column) for e in report.errors}
    assert {(3, "收费类别"), (4, "资源名称"), (5, "单价（元）")} <= found
    messages = " ".join(e.message for e in report.errors)
    assert "贵宾" in messages and "不存在的仪器" in messages


def test_a_rate_changed_in_place_or_before_priced_orders_is_refused(
    ow: OrderWorld, tmp_path: Path
) -> None:
    order = services.order_from_booking(actor=None, booking=make_booking(ow.world, DAY))
    services.usage_record(
        actor=ow.tech_a, order=order, actual_start=at(DAY, 9), actual_end=at(DAY, 10)
    )
    name = ow.resource.name
    path = _csv(
        tmp_path / "rates.csv",
        [
            RATE_HEADER,
            [name, "合作地区企业", "按小时", "999", "", "实际使用机时", "", "2026-03-01"],
            [name, "企业", "按小时", "201", "50", "实际使用机时", "", "2026-01-01"],
        ],
    )
    report = run_import("sharing-rates", actor=ow.personas.researcher, path=path, dry_run=False)
    assert not report.ok
    text = " ".join(e.message for e in report.errors)
    assert "2026-03-11" in text and "never changed in place" in text


def test_only_owner_members_import_rates(ow: OrderWorld, tmp_path: Path) -> None:
    path = _csv(tmp_path / "rates.csv", [RATE_HEADER])
    report = run_import("sharing-rates", actor=ow.personas.owner, path=path, dry_run=True)
    assert not report.ok


def test_rates_export_reimports_unchanged(ow: OrderWorld, tmp_path: Path) -> None:
    from techbridge.imports.exports import write_file

    headers, rows = export_rates(Rate.objects.filter(resource=ow.resource))
    path = tmp_path / "out.xlsx"
    assert write_file(path, headers, rows) == 4
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]][:4] == ["资源编号", "资源名称", "收费类别", "计费单位"]
    assert sheet["C2"].value in {
        "校内（资源方内部）",
        "Internal (owner's own)",
        "高校院所",
        "Academic",
        "企业",
        "Enterprise",
        "合作地区企业",
        "Enterprise of the partner region",
    }
    report = run_import("sharing-rates", actor=ow.personas.researcher, path=path, dry_run=False)
    assert report.ok, report.errors
    assert (report.created, report.unchanged) == (0, 4)


# --- usage --------------------------------------------------------------------------------

USAGE_HEADER = [
    "订单号",
    "实际开始",
    "实际结束",
    "样品数",
    "使用量",
    "服务人员",
    "备注",
    "更正原因",
]


def _draft(ow: OrderWorld, start: tuple[int, int] = (9, 0)) -> ServiceOrder:
    end = (start[0] + 2, start[1])
    return services.order_from_booking(actor=None, booking=make_booking(ow.world, DAY, start, end))


def test_usage_import_prices_orders_and_is_idempotent(ow: OrderWorld, tmp_path: Path) -> None:
    first, second = _draft(ow), _draft(ow, (13, 0))
    path = _xlsx(
        tmp_path / "usage.xlsx",
        [
            USAGE_HEADER,
            [
                first.number,
                dt.datetime(2026, 3, 10, 9, 0),
                dt.datetime(2026, 3, 10, 10, 30),
                "",
                "",
                "tech_a；tech_b",
                "正常",
                "",
            ],
            [second.number, "2026-03-10 13:00", "2026-03-10 14:00", "", "", "", "", ""],
        ],
    )
    report = run_import("sharing-usage", actor=ow.tech_a, path=path, dry_run=False)
    assert report.ok, report.errors
    assert report.created == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.amount == Decimal("270.00") and second.amount == Decimal("180.00")
    assert sorted(first.usage.staff.values_list("username", flat=True)) == ["tech_a", "tech_b"]
    assert list(second.usage.staff.values_list("username", flat=True)) == ["tech_a"]
    again = run_import("sharing-usage", actor=ow.tech_a, path=path, dry_run=False)
    assert again.ok and again.unchanged == 2 and again.created == again.updated == 0


def test_usage_import_corrects_a_priced_order_only_with_a_reason(
    ow: OrderWorld, tmp_path: Path
) -> None:
    order = _draft(ow)
    services.usage_record(
        actor=ow.tech_a, order=order, actual_start=at(DAY, 9), actual_end=at(DAY, 10)
    )
    rows = [
        USAGE_HEADER,
        [order.number, "2026-03-10 09:00", "2026-03-10 11:00", "", "", "", "", ""],
    ]
    report = run_import(
        "sharing-usage", actor=ow.tech_a, path=_csv(tmp_path / "a.csv", rows), dry_run=False
    )
    assert not report.ok and report.errors[0].column == "更正原因"
    rows[1][-1] = "补录延时"
    report = run_import(
        "sharing-usage", actor=ow.tech_a, path=_csv(tmp_path / "b.csv", rows), dry_run=False
    )
    assert report.ok and report.updated == 1
    order.refresh_from_db()
    assert order.amount == Decimal("360.00")
    assert order.events.filter(kind="amended", note="补录延时").exists()


def test_usage_import_errors_and_nothing_written(ow: OrderWorld, tmp_path: Path) -> None:
    good = _draft(ow)
    rows = [
        USAGE_HEADER,
        [good.number, "2026-03-10 09:00", "2026-03-10 10:00", "", "", "", "", ""],
        ["GX000000000000", "2026-03-10 09:00", "2026-03-10 10:00", "", "", "", "", ""],
        [good.number, "2026-03-10 09:00", "10点", "", "", "", "", ""],
        [good.number, "2026-03-10 09:00", "2026-03-10 10:00", "", "1.2345", "ghost", "", ""],
    ]
    report = run_import(
        "sharing-usage", actor=ow.tech_a, path=_csv(tmp_path / "u.csv", rows), dry_run=False
    )
    assert not report.ok
    by_row = {e.row: e for e in report.errors}
    assert "GX000000000000" in by_row[3].message
    assert by_row[4].column == "实际结束" and "10点" in by_row[4].message
    assert by_row[5].column in {"使用量", "服务人员"}
    good.refresh_from_db()
    assert good.status == OrderStatus.DRAFT
    # Someone who is not the resource's staff imports nothing either.
    report = run_import(
        "sharing-usage",
        actor=ow.personas.researcher,
        path=_csv(tmp_path / "v.csv", rows[:2]),
        dry_run=False,
    )
    assert not report.ok


def test_usage_export_reimports_unchanged_and_masks_the_contact(
    ow: OrderWorld, tmp_path: Path
) -> None:
    from techbridge.imports.exports import write_file

    order = _draft(ow)
    services.usage_record(
        actor=ow.tech_a,
        order=order,
        actual_start=at(DAY, 9),
        actual_end=at(DAY, 10, 30),
        note="正常",
    )
    headers, rows = export_usage(ServiceOrder.objects.all(), user=ow.tech_a)
    path = tmp_path / "usage.csv"
    write_file(path, headers, rows)
    text = path.read_text(encoding="utf-8-sig")
    assert order.number in text and "270.00" in text and "owner" not in text.split("\n")[1]
    report = run_import("sharing-usage", actor=ow.tech_a, path=path, dry_run=False)
    assert report.ok, report.errors
    assert report.unchanged == 1


def test_the_import_page_previews_then_imports(ow: OrderWorld) -> None:
    order = _draft(ow)
    client = ow.personas.client_for(ow.tech_a)
    url = reverse("sharing:usage_import")
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [
            USAGE_HEADER,
            [order.number, "2026-03-10 09:00", "2026-03-10 10:00", "", "", "", "", ""],
        ]
    )
    upload = SimpleUploadedFile(
        "u.csv", buffer.getvalue().encode("utf-8-sig"), content_type="text/csv"
    )
    preview = client.post(url, {"file": upload})
    assert preview.status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT  # a dry run only
    token = preview.context["token"]
    assert token
    done = client.post(url, {"token": token})
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PRICED
    assert ow.personas.client_for(ow.personas.owner).get(url).status_code == 403


def test_importer_kinds() -> None:
    assert RateImporter.kind == "sharing-rates" and UsageImporter.kind == "sharing-usage"
