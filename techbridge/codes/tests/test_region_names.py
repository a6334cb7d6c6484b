"""Regions as people write them (issue 14): names with or without their suffix, chains,
codes; ambiguous and unknown names refused with a message naming the value."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from techbridge.codes.selectors import find_regions, region_query, resolve_region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("北京", "110000"),
        ("北京市", "110000"),
        ("贵阳", "520100"),
        ("贵阳市", "520100"),
        ("花溪区", "520111"),
        ("花溪", "520111"),
        ("贵阳 花溪", "520111"),
        ("贵州省贵阳市", "520100"),
        ("  海淀区 ", "110108"),
        ("520115", "520115"),
        ("吉林", "220000"),  # the province, which contains 吉林市
    ],
)
def test_a_region_is_found_by_what_people_write(loaded_codes, text, code) -> None:
    assert resolve_region(text) == code


def test_an_ambiguous_name_names_the_candidates(loaded_codes) -> None:
    assert len(find_regions("朝阳")) == 3  # 北京 朝阳区, 辽宁 朝阳市, 长春 朝阳区
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        resolve_region("朝阳")
    message = error.value.messages[0]
    assert "朝阳" in message and "110105" in message and "211300" in message
    assert resolve_region("北京朝阳") == "110105"


def test_an_unknown_name_says_so(loaded_codes) -> None:
    code, message = region_query("中关村")
    assert code == "" and "中关村" in message
    assert region_query("") == ("", "")


def test_codes_are_shown_by_their_names(loaded_codes) -> None:
    template = Template(
        "{% load codes %}{{ r|region_name }}|{{ c|country_name }}|"
        '{{ t|code_name:"legal_person_type" }}|{{ x|region_name }}'
    )
    with translation.override("zh-hans"):
        html = template.render(Context({"r": "520111", "c": "156", "t": "021", "x": ""}))
    region, country, kind, empty = html.split("|")
    assert "贵阳市" in region and "花溪区" in region and 'title="520111"' in region
    assert "中国" in country
    assert "021" in kind and ">021<" not in kind  # a name, with the code in the tooltip
    assert empty == "—"
