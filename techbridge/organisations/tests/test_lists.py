"""The organisation directory pages and sorts (issue 14)."""

from __future__ import annotations

import re

import pytest

from techbridge.organisations.models import Organisation, OrganisationKind, OrganisationStatus

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def many(personas):
    Organisation.objects.bulk_create(
        Organisation(
            name=f"测试企业 {i:02d}",
            kind=OrganisationKind.ENTERPRISE,
            status=OrganisationStatus.VERIFIED,
            region_code="520102",
        )
        for i in range(40)
    )


def _names(html: str) -> list[str]:
    return re.findall(r'<a href="/organisations/\d+/">(.*?)</a>', html)


def test_directory_pages_with_the_filter_kept(client, many):
    response = client.get("/organisations/", {"q": "测试企业", "page": 2}, **ZH)
    assert response.status_code == 200
    html = response.content.decode()
    assert _names(html) == [f"测试企业 {i:02d}" for i in range(25, 40)]
    assert "共 40 条，第 2 / 2 页" in html
    assert 'href="?q=%E6%B5%8B%E8%AF%95%E4%BC%81%E4%B8%9A"' in html


@pytest.mark.parametrize("page", ["x", "0", "1000"])
def test_bad_page_numbers_are_forgiven(client, many, page):
    response = client.get("/organisations/", {"q": "测试企业", "page": page})
    assert response.status_code == 200
    assert len(_names(response.content.decode())) in (25, 15)


def test_sort_whitelist(client, many):
    newest = _names(client.get("/organisations/", {"q": "测试", "sort": "new"}).content.decode())
    assert newest[0] == "测试企业 39"
    injected = client.get("/organisations/", {"q": "测试", "sort": "-uscc,password"})
    assert injected.status_code == 200
    assert _names(injected.content.decode())[0] == "测试企业 00"  # the default: by name


def test_empty_directory_says_what_to_do(client, many):
    html = client.get("/organisations/", {"q": "没有这家"}, **ZH).content.decode()
    assert "没有符合条件的机构。试试去掉筛选条件或换个名称。" in html
