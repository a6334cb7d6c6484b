"""Record pages in words (issue 14): the history as sentences, amounts labelled by their
field, the region filter by name."""

from __future__ import annotations

import pytest

from techbridge.catalogue import services
from techbridge.catalogue.models import Status

pytestmark = pytest.mark.django_db


def _published(personas, **extra):
    data = {"title": "高强铝合金板材热处理工艺", "technical_field": "new_materials", "trl": 6}
    data.update(extra)
    record = services.record_create(actor=personas.owner, kind="achievement", **data)
    services.record_submit(actor=personas.owner, record=record)
    services.record_publish(actor=personas.staff, record=record)
    return record


def test_the_history_reads_as_sentences(personas) -> None:
    record = _published(personas)
    page = personas.client_for(personas.owner).get(record.get_absolute_url())
    html = page.content.decode()
    assert "提交审核" in html and "审核通过并发布" in html and "创建了草稿" in html
    for code in ("— → draft", "draft → submitted", "submitted → published"):
        assert code not in html
    assert Status.PUBLISHED == "published"


def test_the_asking_price_field_is_labelled_in_chinese(personas) -> None:
    page = personas.client_for(personas.owner).get("/catalogue/achievements/new/")
    html = page.content.decode()
    assert "意向价格（元）" in html and "Asking price" not in html


def test_the_region_filter_takes_names_and_says_when_nothing_matches(codes, personas) -> None:
    _published(personas)  # region 520100 (the owner's)
    client = personas.client_for(personas.owner)
    found = client.get("/catalogue/achievements/", {"region": "贵阳"}).content.decode()
    assert "高强铝合金板材热处理工艺" in found
    elsewhere = client.get("/catalogue/achievements/", {"region": "北京"}).content.decode()
    assert "高强铝合金板材热处理工艺" not in elsewhere
    unknown = client.get("/catalogue/achievements/", {"region": "中关村"}).content.decode()
    assert "没有名为“中关村”的地区" in unknown
    assert "高强铝合金板材热处理工艺" not in unknown
