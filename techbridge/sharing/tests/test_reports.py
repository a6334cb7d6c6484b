"""Sharing reports: utilisation (effective / external hours, share rate, no-shows),
enterprises served per year, income by party, voucher programme figures, and the
service-record export (masked users, numbers as numbers, formula-safe) — with personas."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from techbridge.audit.models import AuditEvent
from techbridge.sharing.models import Booking, BookingStatus, OrderStatus, RateClass, RateUnit
from techbridge.sharing.selectors.reports import (
    Period,
    enterprises_per_year,
    income_by_party,
    service_records,
    utilisation,
    voucher_figures,
)
from techbridge.sharing.services.settlement import settle_month
from techbridge.sharing.tests.conftest_settlement import TZ, SettlementWorld, build_settlement_world

pytestmark = pytest.mark.django_db
YEAR = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@pytest.fixture
def sw(sharing_world) -> SettlementWorld:  # type: ignore[no-untyped-def]
    return build_settlement_world(sharing_world)


@pytest.fixture
def served(sw: SettlementWorld) -> SettlementWorld:
    w, p = sw.w, sw.w.personas
    sw.order("360.00", hours="2", staff=[w.tech_a], voucher="100.00")  # external, 2 h
    sw.order(
        "90.00",
        hours="1.5",
        customer=p.other_org,
        customer_user=p.outsider,
        status=OrderStatus.PRICED,
    )
    sw.order("100.00", hours="1", customer=p.institution, customer_user=p.researcher)  # internal
    sw.order("50.00", samples=5, unit=RateUnit.SAMPLE, day=dt.date(2026, 4, 2))
    sw.order("999.00", hours="9", status=OrderStatus.CANCELLED)  # never counted
    sw.order("999.00", hours="9", status=OrderStatus.DRAFT)  # no usage confirmed yet
    sw.order("70.00", hours="1", day=dt.date(2025, 12, 30))  # last year
    start = dt.datetime(2026, 3, 12, 9, tzinfo=TZ)
    Booking.objects.create(
        resource=w.resource,
        booked_by=p.owner,
        organisation=p.org,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        status=BookingStatus.NO_SHOW,
        rate_class=RateClass.PARTNER_ENTERPRISE,
    )
    return sw


def test_utilisation_counts_effective_external_hours_share_rate_and_no_shows(
    served: SettlementWorld,
) -> None:
    report = utilisation(user=served.w.personas.staff, period=YEAR)
    assert len(report.rows) == 1
    row = report.rows[0]
    assert row.orders == 4
    assert row.effective_hours == Decimal("4.50")  # 2 + 1.5 + 1 (+ samples: no hours)
    assert row.external_hours == Decimal("3.50")  # the institution's own hour is internal
    assert row.share_rate == Decimal("77.8")  # 3.5 / 4.5
    assert (row.samples, row.no_shows) == (5, 1)
    assert row.income == Decimal("600.00")
    march = utilisation(
        user=served.w.personas.staff, period=Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    )
    assert march.total.effective_hours == Decimal("4.50") and march.total.samples == 0


def test_reports_are_scoped_to_owned_and_operated_resources(served: SettlementWorld) -> None:
    w, p = served.w, served.w.personas
    for user in (p.staff, p.researcher, w.agency_member, w.tech_a):
        assert utilisation(user=user, period=YEAR).total.orders == 4, user
    for user in (p.owner, p.outsider):  # customers see no provider figures
        assert utilisation(user=user, period=YEAR).rows == []
        assert enterprises_per_year(user=user) == []
    assert p.client_for(p.system_admin).get("/sharing/reports/").status_code == 403
    assert p.anonymous.get("/sharing/reports/").status_code == 302
    assert p.client_for(p.researcher).get("/api/v1/sharing/reports/vouchers/").status_code == 403
    assert (
        p.client_for(p.system_admin).get("/api/v1/sharing/reports/utilisation/").status_code == 403
    )


def test_enterprises_served_per_year(served: SettlementWorld) -> None:
    rows = enterprises_per_year(user=served.w.personas.staff)
    assert [(r.year, r.enterprises, r.customers) for r in rows] == [(2026, 2, 3), (2025, 1, 1)]
    assert rows[0].enterprise_orders == 3 and rows[0].enterprise_income == Decimal("500.00")


def test_income_by_party_and_voucher_figures_after_settlement(served: SettlementWorld) -> None:
    w, p = served.w, served.w.personas
    settle_month(actor=None, month=dt.date(2026, 3, 1))
    rows = income_by_party(user=p.staff, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    by = {(r.party_kind, r.party): r.total for r in rows}
    # settled: 360 (March) + 100 (internal, March) + 70 (December 2025, late) = 530
    assert sum(v for (k, _), v in by.items() if k != "programme") == Decimal("530.00")
    assert by[("owner", w.personas.institution.name)] == Decimal("318.00")
    assert by[("programme", served.programme.name)] == Decimal("100.00")
    mine = income_by_party(user=w.agency_member, start=dt.date(2026, 1, 1), end=YEAR.end)
    assert [(r.party_kind, r.total) for r in mine] == [("agency", Decimal("79.50"))]
    figures = voucher_figures(user=p.staff)
    assert [(f.programme.name, f.settled, f.budget_left) for f in figures] == [
        (served.programme.name, Decimal("100.00"), Decimal("900000.00"))
    ]
    assert voucher_figures(user=p.researcher) == []
    api = p.client_for(p.staff).get("/api/v1/sharing/reports/vouchers/").json()
    assert api[0]["budget"] == "1000000.00" and api[0]["settled"] == "100.00"
    income = p.client_for(p.staff).get("/api/v1/sharing/reports/income/?from=2026-01&to=2026-12")
    assert {r["party_kind"] for r in income.json()} == {"owner", "staff", "agency", "programme"}


def test_report_page_has_tables_and_svg_charts(served: SettlementWorld) -> None:
    p = served.w.personas
    page = p.client_for(p.staff).get("/sharing/reports/?from=2026-01-01&to=2026-12-31")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="bars"') >= 2 and "77.8" in html and "4.50" in html
    assert "<script>" not in html  # nothing inline; charts are HTML and CSS
    bad = p.client_for(p.staff).get("/sharing/reports/?from=2026-13-01")
    assert bad.status_code == 200 and "YYYY-MM-DD" in bad.content.decode()
    api = p.client_for(p.staff).get("/api/v1/sharing/reports/utilisation/?from=2026-01&to=2026-12")
    data = api.json()
    assert data["total"]["effective_hours"] == "4.50" and data["rows"][0]["share_rate"] == "77.8"
    assert (
        p.client_for(p.staff).get("/api/v1/sharing/reports/utilisation/?from=yesterday").status_code
        == 400
    )


def test_service_records_mask_users_and_keep_the_national_fields(served: SettlementWorld) -> None:
    w, p = served.w, served.w.personas
    records = list(service_records(user=p.staff, period=YEAR))
    assert len(records) == 4
    first = records[0]
    assert (first.resource, first.model, first.owner) == (
        w.instrument.name,
        "SU8010",
        p.institution.name,
    )
    assert first.time_slot == "09:00-11:00" and first.hours == Decimal("2.00")
    assert first.user_name == "o****" and first.user_organisation == p.org.name
    assert first.external and first.fee == Decimal("360.00") and first.voucher == Decimal("100.00")
    internal = next(r for r in records if r.user_organisation == p.institution.name)
    assert not internal.external
    sample = next(r for r in records if r.samples)
    assert sample.samples == 5 and sample.hours is None


def test_service_record_exports_csv_and_xlsx(served: SettlementWorld) -> None:
    p = served.w.personas
    order = served.w.resource.orders.order_by("pk").first()
    assert order is not None
    type(order).objects.filter(pk=order.pk).update(content='=HYPERLINK("http://x")')
    client = p.client_for(p.researcher)
    response = client.get("/sharing/reports/service-records/?from=2026-01-01&to=2026-12-31")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:6] == [
        "仪器（资源）名称",
        "规格型号",
        "生产厂商",
        "资源类型",
        "所属单位",
        "服务日期",
    ]
    assert "用户姓名（脱敏）" in rows[0] and len(rows) == 5
    assert "owner" not in [c for row in rows[1:] for c in row]  # the login name never appears
    content = rows[0].index("服务内容")
    assert rows[1][content].startswith("'=")  # neutralised formula
    xlsx = client.get("/sharing/reports/service-records/?from=2026-01&to=2026-12&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet.freeze_panes == "A2"
    headers = [c.value for c in sheet[1]]
    fee = sheet.cell(row=2, column=headers.index("服务收费（元）") + 1)
    assert fee.data_type == "n" and fee.number_format == "0.00" and fee.value == 360
    hours = sheet.cell(row=2, column=headers.index("服务机时（小时）") + 1)
    assert hours.data_type == "n" and hours.value == 2
    assert AuditEvent.objects.filter(object_type="export.sharing_service_records").count() == 2
    api = client.get("/api/v1/sharing/reports/service-records/?from=2026-01&filetype=xlsx")
    assert api.status_code == 200 and api["Content-Type"].startswith("application/vnd.openxml")
    assert client.get("/sharing/reports/service-records/?format=pdf").status_code == 400
    # Customers are not a reporting party: the resource side's export is refused to them.
    assert p.client_for(p.outsider).get("/sharing/reports/service-records/").status_code == 403
