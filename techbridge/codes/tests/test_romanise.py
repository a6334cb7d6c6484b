"""English names of divisions (issue 14: English mode shows code-list values in English):
pinyin proper names, English generic parts, nationalities of autonomous divisions."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from techbridge.codes.romanise import division_name_en


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("贵州省", "Guizhou Province"),
        ("贵阳市", "Guiyang City"),
        ("花溪区", "Huaxi District"),
        ("西安市", "Xi'an City"),  # the apostrophe keeps xi'an apart from xian
        ("重庆市", "Chongqing City"),  # the place-name reading, not zhong
        ("陕西省", "Shaanxi Province"),  # established, not Shanxi (山西)
        ("新疆维吾尔自治区", "Xinjiang Uygur Autonomous Region"),
        ("黔东南苗族侗族自治州", "Qiandongnan Miao and Dong Autonomous Prefecture"),
        ("黔南布依族苗族自治州", "Qiannan Bouyei and Miao Autonomous Prefecture"),
        ("内蒙古自治区", "Inner Mongolia Autonomous Region"),  # a place, not 内 + 蒙古
        ("西藏自治区", "Xizang Autonomous Region"),
        ("香港特别行政区", "Hong Kong Special Administrative Region"),
        ("Other 2", "Other 2"),  # not Chinese: as written
    ],
)
def test_division_names_in_english(name, english) -> None:
    assert division_name_en(name) == english


@pytest.mark.django_db
def test_region_filter_in_english_goes_smallest_first(loaded_codes) -> None:
    template = Template("{% load codes %}{{ r|region_name }}")
    with translation.override("en"):
        html = template.render(Context({"r": "520111"}))
    assert "Huaxi District, Guiyang City, Guizhou Province" in html
    assert 'title="520111"' in html
    with translation.override("zh-hans"):
        assert "贵州省 贵阳市 花溪区" in template.render(Context({"r": "520111"}))
