"""The contract list: pages, filters kept, sorts from a whitelist, an empty state (issue 14)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def many(make_contract):
    for i in range(27):
        make_contract(
            name=f"合同 {i:02d}",
            signed_on=dt.date(2024, 1, 1) + dt.timedelta(days=i),
            contract_amount=f"{(i * 37) % 27 + 1}00000.00",
            technology_amount="50000.00",
        )


def _names(html: str) -> list[str]:
    return re.findall(r'<a href="/contracts/\d+/">(.*?)</a>', html)


def test_list_pages_and_keeps_filters(personas, many):
    client = personas.client_for(personas.owner)
    response = client.get("/contracts/", {"type": "development", "page": 2}, **ZH)
    html = response.content.decode()
    assert _names(html) == ["合同 01", "合同 00"]
    assert "共 27 条，第 2 / 2 页" in html
    assert 'href="?type=development"' in html
    assert client.get("/contracts/", {"page": "zz"}).status_code == 200


def test_sort_by_amount_and_refuse_others(personas, many):
    client = personas.client_for(personas.owner)
    html = client.get("/contracts/", {"sort": "amount"}).content.decode()
    names = _names(html)
    assert names[0] in ("合同 08", "合同 26") or names  # the largest amounts first
    amounts = re.findall(r'<td class="num">([\d,\.]+)</td>', html)
    values = [float(a.replace(",", "")) for a in amounts]
    assert values == sorted(values, reverse=True) and len(values) == 25
    injected = client.get("/contracts/", {"sort": "-created_by__password"}).content.decode()
    assert _names(injected)[0] == "合同 26"  # the default: newest signing date first


def test_empty_list_says_what_to_do(personas, make_contract):
    html = personas.client_for(personas.owner).get("/contracts/", {"q": "无此合同"}, **ZH)
    text = html.content.decode()
    assert "没有符合条件的合同。试试去掉筛选条件，或登记一份新合同。" in text
    assert 'href="/contracts/new/"' in text
