"""The bulletin: a hand-made data set gives exactly the expected sentence and table."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from techbridge.codes.services import load_code_lists
from techbridge.contracts.models import TechnologyContract
from techbridge.stats.bulletin import contract_bulletin, format_amount_cn, region_short_name
from techbridge.stats.selectors import make_filter

pytestmark = pytest.mark.django_db

EXPECTED = (
    "2013年9月至2014年11月，北京输出到贵州省的技术合同6项，技术合同成交额42亿元，"
    "主要集中在现代交通、城市建设与社会发展、电子信息等领域，"
    "共占北京输出到贵州省技术成交总额的93.5%。"
)
EXPECTED_TABLE = [
    ("电子信息", 1, Decimal("627000000.00"), Decimal("14.93")),
    ("农业", 2, Decimal("273000000.00"), Decimal("6.50")),
    ("现代交通", 2, Decimal("2100000000.00"), Decimal("50.00")),
    ("城市建设与社会发展", 1, Decimal("1200000000.00"), Decimal("28.57")),
]
PARAMS = {"from": "2013-09", "to": "2014-11", "seller_region": "110000", "buyer_region": "520000"}


@pytest.fixture
def flow(db: None) -> None:
    load_code_lists()
    rows = [
        # (seller, buyer, date, field, amount, status)
        ("110108", "520100", "2013-09-01", "modern_transport", "1500000000", "registered"),
        ("110105", "520115", "2014-11-30", "modern_transport", "600000000", "registered"),
        ("110108", "520102", "2014-02-10", "urban_social", "1200000000", "registered"),
        ("110108", "522301", "2014-05-10", "electronic_information", "627000000", "registered"),
        ("110108", "520100", "2013-12-01", "agriculture", "100000000", "registered"),
        ("110101", "520100", "2014-06-01", "agriculture", "173000000", "registered"),
        # outside the flow or the period, or not counted
        ("110108", "510100", "2014-01-01", "modern_transport", "999", "registered"),
        ("110108", "520100", "2014-12-01", "modern_transport", "999", "registered"),
        ("110108", "520100", "2013-08-31", "modern_transport", "999", "registered"),
        ("110108", "520100", "2014-01-01", "modern_transport", "999", "cancelled"),
        ("110108", "520100", "2014-01-01", "modern_transport", "999", "submitted"),
        ("310101", "520100", "2014-01-01", "modern_transport", "999", "registered"),
    ]
    for i, (seller, buyer, day, field, amount, status) in enumerate(rows):
        signed = dt.date.fromisoformat(day)
        TechnologyContract.objects.create(
            registration_number=None if status == "submitted" else f"B{i}",
            name=f"合同{i}",
            contract_type="development",
            technical_field=field,
            seller_name="卖方",
            seller_region=seller,
            buyer_name="买方",
            buyer_region=buyer,
            signed_on=signed,
            signed_month=signed.year * 100 + signed.month,
            contract_amount=Decimal(amount),
            technology_amount=Decimal(amount) * Decimal("0.9"),
            status=status,
        )


def test_hand_made_flow_gives_the_expected_sentence_and_table(flow):
    bulletin = contract_bulletin(make_filter(PARAMS))
    assert bulletin.sentence == EXPECTED
    table = [(r.labels["field"], r.count, r.contract_amount, r.share) for r in bulletin.stats.rows]
    assert table == EXPECTED_TABLE
    assert bulletin.stats.count == 6
    assert bulletin.stats.contract_amount == Decimal("4200000000.00")
    assert bulletin.stats.technology_amount == Decimal("3780000000.00")


def test_command_page_and_api_say_the_same(flow, personas):
    out = io.StringIO()
    call_command(
        "bulletin",
        "--from=2013-09",
        "--to=2014-11",
        "--seller-region=110000",
        "--buyer-region=520000",
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert lines[0] == EXPECTED
    assert "现代交通\t2\t2100000000.00\t1890000000.00\t50.00" in lines
    assert lines[-1] == "合计\t6\t4200000000.00\t3780000000.00\t100.00"
    api = personas.anonymous.get("/api/v1/stats/bulletin", PARAMS).json()
    assert api["sentence"] == EXPECTED and api["leading_share"] == "93.5"
    assert api["totals"]["contract_amount"] == "4200000000.00"
    page = personas.anonymous.get("/stats/bulletin/", PARAMS)
    assert page.status_code == 200 and EXPECTED in page.content.decode()


@pytest.mark.parametrize(
    "amount, text",
    [
        ("4200000000", "42亿元"),
        ("4170000000", "41.7亿元"),
        ("4149999999.99", "41.5亿元"),
        ("99999999.99", "1亿元"),
        ("35000", "3.5万元"),
        ("980", "980.00元"),
    ],
)
def test_amount_wording(amount, text):
    assert format_amount_cn(Decimal(amount)) == text


def test_region_names(db):
    load_code_lists()
    assert region_short_name("110000") == "北京"
    assert region_short_name("500000") == "重庆"
    assert region_short_name("520000") == "贵州省"
    assert region_short_name("520100") == "贵阳市"
    assert region_short_name("") == "各地"
