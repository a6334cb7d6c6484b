"""Statement pages, XLSX and print view, runs and adjustments pages, the API, the CLI and
the scheduled job — with the personas: who sees which statement."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from techbridge.audit.models import AuditEvent
from techbridge.jobs import registry
from techbridge.sharing.models.settlement import PartyKind, SettlementAdjustment, Statement
from techbridge.sharing.services.settlement import settle_month
from techbridge.sharing.tests.conftest_settlement import SettlementWorld, build_settlement_world

pytestmark = pytest.mark.django_db
MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def sw(sharing_world) -> SettlementWorld:  # type: ignore[no-untyped-def]
    return build_settlement_world(sharing_world)


@pytest.fixture
def settled(sw: SettlementWorld) -> SettlementWorld:
    sw.order("1.01", staff=[sw.w.tech_a, sw.w.tech_b])
    sw.order("1234.56", staff=[sw.w.tech_a], voucher="600.00")
    settle_month(actor=None, month=MARCH)
    return sw


def _statement(kind: str, **party: object) -> Statement:
    return Statement.objects.get(party_kind=kind, **party)


def test_who_sees_which_statement(settled: SettlementWorld) -> None:
    w, p = settled.w, settled.w.personas
    owner = _statement(PartyKind.OWNER)
    agency = _statement(PartyKind.AGENCY)
    staff_a = _statement(PartyKind.STAFF, user=w.tech_a)
    staff_b = _statement(PartyKind.STAFF, user=w.tech_b)
    programme = _statement(PartyKind.PROGRAMME)
    expected = {
        p.staff: {owner, agency, staff_a, staff_b, programme},
        p.researcher: {owner},
        w.tech_a: {owner, staff_a},  # a member of the owner institution, and staff
        w.agency_member: {agency},
        p.owner: set(),
        p.outsider: set(),
    }
    every = [owner, agency, staff_a, staff_b, programme]
    for user, visible in expected.items():
        client = p.client_for(user)
        listing = client.get("/sharing/statements/")
        if user in (p.owner, p.outsider):  # customers: no statements page at all
            assert listing.status_code == 403
            continue
        assert listing.status_code == 200
        api = client.get("/api/v1/sharing/statements/").json()
        assert {r["number"] for r in api["results"]} == {s.number for s in visible}, user
        for statement in every:
            shown = statement.number in listing.content.decode()
            assert shown == (statement in visible), (user, statement.party_kind)
            want = 200 if statement in visible else 404
            for url in (
                f"/sharing/statements/{statement.pk}/",
                f"/sharing/statements/{statement.pk}/xlsx/",
                f"/sharing/statements/{statement.pk}/print/",
                f"/api/v1/sharing/statements/{statement.pk}/",
                f"/api/v1/sharing/statements/{statement.pk}/xlsx/",
            ):
                assert client.get(url).status_code == want, (user, url)
    assert AuditEvent.objects.filter(
        event="access_denied", object_type="sharing.statement"
    ).exists()
    assert p.anonymous.get("/sharing/statements/").status_code == 302
    assert p.anonymous.get("/api/v1/sharing/statements/").status_code in (401, 403)


def test_statement_page_shows_the_split_and_the_api_the_lines(settled: SettlementWorld) -> None:
    p = settled.w.personas
    staff_a = _statement(PartyKind.STAFF, user=settled.w.tech_a)
    page = p.client_for(settled.w.tech_a).get(f"/sharing/statements/{staff_a.pk}/").content.decode()
    assert "25 % ÷ 2" in page and "0.13" in page and "308.64" in page
    detail = p.client_for(p.staff).get(f"/api/v1/sharing/statements/{staff_a.pk}/").json()
    assert detail["total"] == "308.77" and detail["month"] == "2026-03"
    assert sorted(line["amount"] for line in detail["lines"]) == ["0.13", "308.64"]
    assert {line["split_among"] for line in detail["lines"]} == {1, 2}


def test_xlsx_numbers_are_numbers_with_chinese_headers_and_a_frozen_header(
    settled: SettlementWorld,
) -> None:
    p = settled.w.personas
    owner = _statement(PartyKind.OWNER)
    response = p.client_for(p.researcher).get(f"/sharing/statements/{owner.pk}/xlsx/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["明细"]
    assert sheet.freeze_panes == "A2"
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["序号", "订单编号", "服务日期", "共享资源"]
    assert "结算金额（元）" in headers and "订单金额（元）" in headers
    amount_col = headers.index("结算金额（元）") + 1
    cells = [sheet.cell(row=r, column=amount_col) for r in range(2, sheet.max_row + 1)]
    assert all(c.data_type == "n" and c.number_format == "0.00" for c in cells)
    assert all(isinstance(c.value, int | float) for c in cells)
    amounts = [Decimal(str(c.value)) for c in cells]
    assert amounts[:-1] == [Decimal("0.61"), Decimal("740.74")]  # 60 % of 1.01 and 1234.56
    assert amounts[-1] == owner.total == Decimal("741.35")  # the total row
    assert isinstance(sheet.cell(row=2, column=3).value, dt.datetime)  # a date, not text
    summary = {r[0].value: r[1].value for r in book["结算单"].iter_rows(min_row=2)}
    assert (
        summary["结算单号"] == owner.number and Decimal(str(summary["合计（元）"])) == owner.total
    )
    assert AuditEvent.objects.filter(event="export", object_id=str(owner.pk)).exists()


def test_print_view_is_a4_and_has_every_line(settled: SettlementWorld) -> None:
    p = settled.w.personas
    agency = _statement(PartyKind.AGENCY)
    html = p.client_for(p.staff).get(f"/sharing/statements/{agency.pk}/print/").content.decode()
    assert "size: A4" in html and "@media print" in html and "<script" not in html
    assert html.count("<tr><td>") == agency.lines_count


def test_runs_page_settles_once_and_only_for_bureau_staff(sw: SettlementWorld) -> None:
    p = sw.w.personas
    sw.order("10.00", staff=[sw.w.tech_a])
    assert p.client_for(p.researcher).get("/sharing/settlement/").status_code == 403
    assert (
        p.client_for(p.researcher).post("/sharing/settlement/", {"month": "2026-03"}).status_code
        == 403
    )
    staff = p.client_for(p.staff)
    assert staff.get("/sharing/settlement/").status_code == 200
    assert staff.post("/sharing/settlement/", {"month": "2026-13"}).status_code == 400
    first = staff.post("/sharing/settlement/", {"month": "2026-03"}, follow=True)
    assert "2026-03" in first.content.decode() and Statement.objects.count() == 3
    again = staff.post("/sharing/settlement/", {"month": "2026-03"}, follow=True)
    assert Statement.objects.count() == 3
    assert "nothing new" in again.content.decode() or "没有" in again.content.decode()


def test_adjustment_page_and_api(settled: SettlementWorld) -> None:
    w, p = settled.w, settled.w.personas
    order = w.resource.orders.order_by("pk").last()
    assert order is not None
    agency = p.client_for(w.agency_member)
    assert p.client_for(p.researcher).get("/sharing/settlement/adjustments/").status_code == 403
    bad = agency.post(
        "/sharing/settlement/adjustments/",
        {"order": order.number, "amount": "-99999", "reason": "退款"},
    )
    assert bad.status_code == 400 and not SettlementAdjustment.objects.exists()
    done = agency.post(
        "/sharing/settlement/adjustments/",
        {"order": order.number, "amount": "-34.56", "voucher_amount": "0", "reason": "部分退款"},
    )
    assert done.status_code == 302 and SettlementAdjustment.objects.count() == 1
    api = agency.post(
        "/api/v1/sharing/settlement-adjustments/",
        {"order": order.pk, "amount": "-1.00", "reason": "再退 1 元"},
        content_type="application/json",
    )
    assert api.status_code == 201 and api.json()["month"] is None
    outsider = p.client_for(p.outsider).post(
        "/api/v1/sharing/settlement-adjustments/",
        {"order": order.pk, "amount": "-1.00", "reason": "x"},
        content_type="application/json",
    )
    assert outsider.status_code == 404
    listing = agency.get("/api/v1/sharing/settlement-adjustments/").json()
    assert listing["count"] == 2


def test_runs_api_is_idempotent_and_bureau_only(sw: SettlementWorld) -> None:
    p = sw.w.personas
    sw.order("10.00", staff=[sw.w.tech_a])
    denied = p.client_for(p.researcher).post(
        "/api/v1/sharing/settlement-runs/", {"month": "2026-03"}, content_type="application/json"
    )
    assert denied.status_code == 403
    staff = p.client_for(p.staff)
    first = staff.post(
        "/api/v1/sharing/settlement-runs/", {"month": "2026-03"}, content_type="application/json"
    )
    assert first.status_code == 201 and first.json()["run"]["total"] == "10.00"
    again = staff.post(
        "/api/v1/sharing/settlement-runs/", {"month": "2026-03"}, content_type="application/json"
    )
    assert again.status_code == 200 and again.json()["created"] is False
    assert (
        staff.post(
            "/api/v1/sharing/settlement-runs/", {"month": "March"}, content_type="application/json"
        ).status_code
        == 400
    )
    assert staff.get("/api/v1/sharing/settlement-runs/").json()["count"] == 1


def test_schema_lists_the_settlement_and_report_paths(sw: SettlementWorld) -> None:
    p = sw.w.personas
    paths = p.client_for(p.staff).get("/api/v1/schema/?format=json").json()["paths"]
    for path in (
        "/api/v1/sharing/statements/",
        "/api/v1/sharing/statements/{id}/",
        "/api/v1/sharing/statements/{id}/xlsx/",
        "/api/v1/sharing/settlement-runs/",
        "/api/v1/sharing/settlement-adjustments/",
        "/api/v1/sharing/reports/utilisation/",
        "/api/v1/sharing/reports/enterprises/",
        "/api/v1/sharing/reports/income/",
        "/api/v1/sharing/reports/vouchers/",
        "/api/v1/sharing/reports/service-records/",
    ):
        assert path in paths, path


def test_cli_settles_a_month_once(sw: SettlementWorld) -> None:
    sw.order("42.42", staff=[sw.w.tech_a])
    out = io.StringIO()
    call_command("settle", month="2026-03", stdout=out)
    assert "2026-03 settled: 1 order(s), total 42.42 yuan" in out.getvalue()
    out = io.StringIO()
    call_command("settle", month="2026-03", stdout=out)
    assert "already settled" in out.getvalue() and Statement.objects.count() == 3
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("settle", month="03/2026")


def test_the_monthly_job_is_scheduled_and_idempotent(sw: SettlementWorld) -> None:
    spec = registry.get("sharing.settle")
    assert spec is not None
    assert any(s.name == "sharing.settle" and s.cron for s in registry.schedules())
    sw.order("5.00", staff=[sw.w.tech_a])
    spec.handler(month="2026-03")
    spec.handler(month="2026-03")
    assert Statement.objects.count() == 3


def test_pages_and_api_do_not_query_per_line(
    sw: SettlementWorld, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for i in range(40):
        sw.order(f"{i + 1}.00", staff=[sw.w.tech_a, sw.w.tech_b][: i % 3] or None)
    settle_month(actor=None, month=MARCH)
    p = sw.w.personas
    client = p.client_for(p.staff)
    agency = _statement(PartyKind.AGENCY)
    client.get("/sharing/statements/")  # warm the session and caches
    for url in (
        "/sharing/statements/",
        f"/sharing/statements/{agency.pk}/",
        f"/sharing/statements/{agency.pk}/print/",
        f"/sharing/statements/{agency.pk}/xlsx/",
        "/api/v1/sharing/statements/",
        f"/api/v1/sharing/statements/{agency.pk}/",
        "/sharing/reports/?from=2026-01&to=2026-12",
    ):
        with django_assert_max_num_queries(25):
            assert client.get(url).status_code == 200, url
