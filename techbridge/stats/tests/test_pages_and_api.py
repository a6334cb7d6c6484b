"""Statistics API and pages: public aggregates, the statisticians' dashboard, XLSX export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from techbridge.codes.services import load_code_lists
from techbridge.contracts.models import TechnologyContract

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(db: None) -> None:
    load_code_lists()
    for i, (day, amount) in enumerate([("2014-03-01", "1234567.89"), ("2015-03-01", "10.01")]):
        signed = dt.date.fromisoformat(day)
        TechnologyContract.objects.create(
            registration_number=f"S{i}",
            name=f"c{i}",
            contract_type="service",
            technical_field="modern_transport",
            seller_name="s",
            seller_region="110108",
            buyer_name="b",
            buyer_region="520100",
            signed_on=signed,
            signed_month=signed.year * 100 + signed.month,
            contract_amount=Decimal(amount),
            technology_amount=Decimal(amount),
            status="registered",
        )


def test_public_api_returns_exact_decimal_strings(data, personas):
    body = personas.anonymous.get(
        "/api/v1/stats/contracts",
        {"group_by": "field,year", "from": "2014-01", "to": "2015-12", "buyer_region": "520000"},
    ).json()
    assert [(r["keys"]["year"], r["contract_amount"], r["share"]) for r in body["rows"]] == [
        (2014, "1234567.89", "100.00"),
        (2015, "10.01", "0.00"),
    ]
    assert body["rows"][1]["growth"] == "-100.00"
    assert body["totals"] == {
        "count": 2,
        "contract_amount": "1234577.90",
        "technology_amount": "1234577.90",
    }


@pytest.mark.parametrize(
    "params, field",
    [
        ({"group_by": "colour"}, "non_field_errors"),
        ({"from": "2014-13"}, "from"),
        ({"seller_region": "52"}, "seller_region"),
        ({"type": "x"}, "type"),
    ],
)
def test_api_refuses_bad_parameters(data, personas, params, field):
    response = personas.anonymous.get("/api/v1/stats/contracts", params)
    assert response.status_code == 400
    if field != "non_field_errors":
        assert field in response.json()["error"]["fields"]


def test_summary_is_public_dashboard_is_for_statisticians(data, personas):
    page = personas.anonymous.get("/stats/", {"seller_region": "110000", "all": "1"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text and "1,234,567.89" in text
    assert personas.client_for(personas.owner).get("/stats/dashboard/").status_code == 403
    assert personas.anonymous.get("/stats/dashboard/").status_code == 302
    assert personas.client_for(personas.staff).get("/stats/dashboard/").status_code == 200


def test_every_table_exports_to_xlsx_exactly(data, personas):
    for group_by in ("field", "type", "month", "seller_region", "buyer_region", "seller_type"):
        response = personas.anonymous.get("/stats/export.xlsx", {"group_by": group_by})
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        column = rows[0].index("合同成交额（元）")  # Chinese headers on a Chinese page
        # A number Excel can sum, exact to the fen, shown with separators; header frozen.
        assert isinstance(rows[-1][column], float)
        assert Decimal(str(rows[-1][column])) == Decimal("1234577.90")
        assert sheet.cell(row=len(rows), column=column + 1).number_format == "#,##0.00"
        assert sheet.freeze_panes == "A2"
    response = personas.anonymous.get("/stats/export.xlsx", {"group_by": "month"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert Decimal(str(rows[1][rows[0].index("合同成交额（元）")])) == Decimal("1234567.89")


def test_pages_open_on_the_last_three_years(data, personas):
    page = personas.anonymous.get("/stats/").content.decode()
    assert (
        "1,234,567.89" not in page and "1234567.89" not in page
    )  # signed in 2014, outside the default period
    assert 'name="from" value="' in page and 'value=""' not in page.split('name="from"')[1][:20]
