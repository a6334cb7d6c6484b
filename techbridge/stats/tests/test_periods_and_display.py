"""Issue 14, statistics: a reversed, empty or invalid period is refused everywhere with a
message naming what was given and what would do; the bulletin has charts; every amount on
the statistics pages carries its unit and thousands separators."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from techbridge.codes.services import load_code_lists
from techbridge.contracts.models import TechnologyContract

pytestmark = pytest.mark.django_db

REVERSED = {"from": "2015-03", "to": "2014-03"}
FLOW = {"from": "2013-09", "to": "2014-11", "seller_region": "110000", "buyer_region": "520000"}


@pytest.fixture
def data(db: None) -> None:
    load_code_lists()
    rows = [
        ("110108", "520100", "2013-09-01", "modern_transport", "development", "2184938617.88"),
        ("110105", "520115", "2014-11-30", "modern_transport", "service", "1234567.89"),
        ("110108", "520102", "2014-02-10", "urban_social", "development", "12345600"),
        ("110108", "522301", "2014-05-10", "electronic_information", "consulting", "10.01"),
    ]
    for i, (seller, buyer, day, field, kind, amount) in enumerate(rows):
        signed = dt.date.fromisoformat(day)
        TechnologyContract.objects.create(
            registration_number=f"P{i}",
            name=f"合同{i}",
            contract_type=kind,
            technical_field=field,
            seller_name="卖方",
            seller_region=seller,
            buyer_name="买方",
            buyer_region=buyer,
            signed_on=signed,
            signed_month=signed.year * 100 + signed.month,
            contract_amount=Decimal(amount),
            technology_amount=Decimal(amount),
            status="registered",
        )


def _pages(personas):
    staff = personas.client_for(personas.staff)
    return [
        (personas.anonymous, "/stats/"),
        (staff, "/stats/dashboard/"),
        (personas.anonymous, "/stats/bulletin/"),
    ]


# --- the period ---------------------------------------------------------------------------


def test_reversed_period_is_refused_on_every_page_with_the_form_shown_again(data, personas):
    for client, url in _pages(personas):
        response = client.get(url, {**REVERSED, "seller_region": "110000"})
        assert response.status_code == 200, url
        text = response.content.decode()
        alert = text.split('role="alert"')[1].split("</div>")[0]
        # Names both values, says what would do, in Chinese; labels, not parameter names.
        assert "2015-03" in alert and "2014-03" in alert, url
        assert "起始" in alert and "晚于" in alert and "例如" in alert, url
        assert "from:" not in alert and "to:" not in alert, url
        # The form again, with what was typed, and nothing counted: no tables, no charts.
        assert 'name="from" value="2015-03"' in text and 'name="to" value="2014-03"' in text
        assert "<svg" not in text and "<tfoot>" not in text, url
        assert "21.85亿元" not in text and "2,184,938,617.88" not in text, url


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2014-03-02", "to": "2014-03-01"},  # empty: no day in it
        {"from": "2014-13"},
        {"to": "2014-02-30"},
        {"from": "0001-01"},  # a year no statistics covers (and one before it does not exist)
        {"from": "spring"},
    ],
)
def test_empty_or_invalid_period_is_refused_on_pages(data, personas, params):
    for client, url in _pages(personas):
        response = client.get(url, params)
        assert response.status_code == 200, (url, params)
        text = response.content.decode()
        assert 'role="alert"' in text, (url, params)
        alert = text.split('role="alert"')[1].split("</div>")[0]
        for value in params.values():
            assert value in alert, (url, params)
        assert "<tfoot>" not in text, (url, params)


@pytest.mark.parametrize(
    "url",
    ["/stats/export.xlsx", "/api/v1/stats/contracts", "/api/v1/stats/bulletin"],
)
def test_reversed_period_is_refused_by_exports_and_api(data, personas, url):
    response = personas.anonymous.get(url, {**REVERSED, "group_by": "field"})
    assert response.status_code == 400
    if url.startswith("/api/"):
        message = " ".join(response.json()["error"]["fields"]["to"])
    else:
        message = response.content.decode()
        assert response["Content-Type"].startswith("text/plain")
    assert "2015-03" in message and "2014-03" in message and "晚于" in message


def test_empty_and_invalid_periods_are_refused_by_the_api_and_exports(data, personas):
    for params in ({"from": "2014-03-02", "to": "2014-03-01"}, {"from": "0001-01"}):
        for url in ("/stats/export.xlsx", "/api/v1/stats/contracts", "/api/v1/stats/bulletin"):
            response = personas.anonymous.get(url, {**params, "group_by": "month"})
            assert response.status_code == 400, (url, params)


def test_the_message_is_english_in_english_mode(data):
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    message = " ".join(
        english.get("/api/v1/stats/contracts", REVERSED).json()["error"]["fields"]["to"]
    )
    assert "2015-03" in message and "2014-03" in message
    assert "after" in message and "e.g." in message
    page = english.get("/stats/", REVERSED).content.decode()
    assert "after" in page.split('role="alert"')[1].split("</div>")[0]


def test_a_one_day_and_a_one_month_period_are_fine(data, personas):
    for params in (
        {"from": "2014-11-30", "to": "2014-11-30"},
        {"from": "2014-11", "to": "2014-11"},
    ):
        body = personas.anonymous.get("/api/v1/stats/contracts", params).json()
        assert body["totals"]["contract_amount"] == "1234567.89"


# --- charts on the bulletin -----------------------------------------------------------------


def test_bulletin_has_accessible_charts(data, personas):
    text = personas.anonymous.get("/stats/bulletin/", FLOW).content.decode()
    charts = re.findall(r"<svg[^>]*>.*?</svg>", text, re.S)
    assert len(charts) >= 3  # by field, by month, by buyer region
    for chart in charts:
        assert 'role="img"' in chart and "aria-label=" in chart and "<title>" in chart
        # A text alternative with the figures themselves, units included.
        desc = re.search(r"<desc>(.*?)</desc>", chart, re.S)
        assert desc and ("亿元" in desc.group(1) or "万元" in desc.group(1))
    assert "现代交通" in charts[0] and "21.86亿元" in charts[0]
    # Drawn to scale with the page: no fixed pixel width.
    assert all('width="100%"' in c for c in charts)


def test_no_bulletin_no_charts(data, personas):
    text = personas.anonymous.get("/stats/bulletin/").content.decode()
    assert "<svg" not in text


# --- amounts with units ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount, zh, en",
    [
        ("2184938617.88", "21.85亿元", "2.18 billion yuan"),
        ("123456789012.34", "1,234.57亿元", "123.46 billion yuan"),
        ("12345600", "1,234.56万元", "12.35 million yuan"),
        ("1234567.89", "123.46万元", "1.23 million yuan"),
        ("9999.99", "9,999.99 元", "9,999.99 yuan"),
        ("10.01", "10.01 元", "10.01 yuan"),
        ("0", "0.00 元", "0.00 yuan"),
        ("99999999.99", "1.00亿元", "100.00 million yuan"),
        ("999999999.99", "10.00亿元", "1.00 billion yuan"),
    ],
)
def test_amount_short(amount, zh, en):
    from django.utils import translation

    from techbridge.stats.formatting import amount_short

    with translation.override("zh-hans"):
        assert amount_short(Decimal(amount)) == zh
    with translation.override("en"):
        assert amount_short(Decimal(amount)) == en


def test_every_amount_on_the_pages_has_a_unit(data, personas):
    staff = personas.client_for(personas.staff)
    for client, url, params in [
        (personas.anonymous, "/stats/", {"all": "1"}),
        (staff, "/stats/dashboard/", {"all": "1"}),
        (personas.anonymous, "/stats/bulletin/", FLOW),
    ]:
        text = client.get(url, params).content.decode()
        body = re.sub(r"<svg.*?</svg>", "", text, flags=re.S)
        cells = re.findall(r'<t[dh] class="num"[^>]*>(.*?)</t[dh]>', body, re.S)
        amounts = [c for c in cells if re.search(r"\d\.\d\d(?!%)", c)]
        assert amounts, url
        for cell in amounts:
            assert re.search(r"(亿元|万元| 元)", cell), (url, cell)
        # No bare "count / amount" and no amount without separators.
        assert not re.search(r"\d+ / \d+\.\d\d", body), url
        assert "2184938617.88" not in re.sub(r'title="[^"]*"', "", body), url
    summary = personas.anonymous.get("/stats/", {"all": "1"}).content.decode()
    flows = summary.split('class="table flows"')[1].split("</table>")[0]
    assert "21.99亿元" in flows and "4项" in flows  # Beijing → Guizhou, by province
    assert 'title="2,198,518,795.78 元"' in flows  # the exact figure on hover


def test_english_pages_use_english_units(data):
    text = Client(HTTP_ACCEPT_LANGUAGE="en").get("/stats/", {"all": "1"}).content.decode()
    assert "2.18 billion yuan" in text and "亿元" not in text and "万元" not in text
