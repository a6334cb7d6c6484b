"""Tests for techbridge.text.normalise and techbridge.text.pinyin (no database needed)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from techbridge.text import is_pinyin, normalise, strip_pinyin, to_simplified
from techbridge.text.pinyin import SYLLABLES


@pytest.mark.parametrize("text", [None, "", " ", "\t\n", "\u200b\ufeff"])
def test_empty_input_gives_empty_string(text: str | None) -> None:
    assert normalise(text) == ""


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("創新", "创新"),
        ("貴陽", "贵阳"),
        ("技術", "技术"),
        ("鋰離子電池", "锂离子电池"),
        # t2s keeps Taiwan vocabulary: only the characters change, which is what we want.
        ("軟體", "软体"),
        ("鋁合金在船舶製造中的應用", "铝合金在船舶制造中的应用"),
    ],
)
def test_traditional_becomes_simplified(traditional: str, simplified: str) -> None:
    assert normalise(traditional) == simplified
    assert normalise(simplified) == simplified


def test_conversion_is_phrase_level() -> None:
    # Character by character 乾 would become 干; in the phrase 乾隆 it must stay.
    assert normalise("乾燥") == "干燥"
    assert normalise("乾隆") == "乾隆"


@pytest.mark.parametrize(
    "text",
    [
        "薴",  # character table chain: 薴 -> 苧 -> 苎
        "么麼",  # phrase table chain: 么麼 -> 幺麽 -> 幺么
    ],
)
def test_opencc_chains_are_followed_to_a_fixed_point(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert to_simplified(once) == once


def test_every_bmp_han_character_converts_to_a_fixed_point() -> None:
    blocks = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))
    chars = "\n".join(chr(cp) for start, stop in blocks for cp in range(start, stop))
    converted = to_simplified(chars)
    assert converted.count("\n") == chars.count("\n")
    assert to_simplified(converted) == converted


def test_full_width_latin_digits_and_punctuation_become_ascii() -> None:
    assert normalise("ＡＢＣ１２３") == "ABC123"
    assert normalise("（ＣＡＥ），；：！？") == "(CAE),;:!?"
    # NFKC leaves CJK punctuation without a compatibility mapping alone.
    assert normalise("《标准》。、") == "《标准》。、"


def test_case_is_preserved() -> None:
    assert normalise("Machine Vision 5G") == "Machine Vision 5G"


@pytest.mark.parametrize(
    "segmented",
    [
        "首都 科技 条件 平台",
        "首都  科技\t条件\n平台",
        " 首都科技 条件平台 ",
        "首都\u3000科技条件平台",
    ],
)
def test_spaces_between_chinese_characters_are_removed(segmented: str) -> None:
    assert normalise(segmented) == "首都科技条件平台"


def test_space_between_chinese_and_cjk_punctuation_is_removed() -> None:
    assert normalise("技术 。 转移 、 转化") == "技术。转移、转化"


def test_spaces_next_to_latin_are_kept_as_one() -> None:
    assert normalise("machine   vision") == "machine vision"
    assert normalise("基于 machine vision 的 检测") == "基于 machine vision 的检测"
    assert normalise("5G  通信") == "5G 通信"


def test_control_and_zero_width_characters_are_removed() -> None:
    assert normalise("技\u200b术\u200d转\ufeff移\u00ad") == "技术转移"
    assert normalise("a\x00b\x07c\x1bd") == "abcd"
    assert normalise("\u202e反向\u202c文本") == "反向文本"


def test_tab_and_newline_become_spaces() -> None:
    assert normalise("line one\nline\ttwo\r\n") == "line one line two"
    # ...which then vanish between Chinese characters like any other space.
    assert normalise("技术\n转移") == "技术转移"


@pytest.mark.parametrize(
    "annotated",
    [
        "創(chuàng)新",
        "創（chuàng）新",
        "創(chuang4)新",
        "创(chuàng)新(xīn)",
        "创新(chuàng xīn)",
        "创新(chuàngxīn)",
        "创新(chuang xin)",
        "创(chuàng)(xīn)新",
    ],
)
def test_pinyin_annotation_is_removed(annotated: str) -> None:
    assert normalise(annotated) == "创新"


@pytest.mark.parametrize(
    ("annotated", "clean"),
    [
        ("貴陽(yáng)", "贵阳"),
        ("貴陽(guì yáng)", "贵阳"),
        ("貴陽（Guìyáng）市", "贵阳市"),
        ("绿(lǜ)色", "绿色"),
        ("绿(lv4)色", "绿色"),
        ("西安(xī'ān)", "西安"),
    ],
)
def test_pinyin_variants_are_removed(annotated: str, clean: str) -> None:
    assert normalise(annotated) == clean


@pytest.mark.parametrize(
    "text",
    [
        "仿真(CAE)",
        "锂电池(Li-ion)",
        "报告(2023)",
        "方法(a)和方法(b)",  # single bare letters are list markers, not pinyin
        "材料(ion)",  # lower case but not made of pinyin syllables
        "酸碱度(pH)",
        "检测(ppm)",
        "abc(chuàng)",  # pinyin only counts after a Han character
        "创 (chuàng)",  # ...directly after it
    ],
)
def test_brackets_that_are_not_pinyin_annotations_are_kept(text: str) -> None:
    assert normalise(text) == text


def test_only_leading_pinyin_groups_are_removed() -> None:
    assert normalise("中(zhōng)(文)") == "中(文)"
    assert normalise("中(CAE)(zhōng)") == "中(CAE)(zhōng)"


def test_strip_pinyin_leaves_text_without_brackets_untouched() -> None:
    text = "创新驱动发展"
    assert strip_pinyin(text) is text


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("chuàng", True),
        ("guì yáng", True),
        ("Guìyáng", True),
        ("gui4yang2", True),
        ("zhuang", True),
        ("nüe", True),
        ("é", True),
        ("e", False),
        ("CAE", False),
        ("Gui yang", False),  # capitals only with tone marks
        ("GUI4", False),
        ("Li-ion", False),
        ("2023", False),
        ("café", False),
        ("", False),
    ],
)
def test_is_pinyin(content: str, expected: bool) -> None:
    assert is_pinyin(content) is expected


def test_syllable_table_is_complete_enough() -> None:
    # The standard table has a little over 400 syllables; typos would show up as gaps here.
    assert 400 <= len(SYLLABLES) <= 430
    assert {"a", "er", "yong", "zhuang", "shuai", "lüe", "lve", "nü", "xiong", "ri"} <= SYLLABLES
    assert {"ti", "ju", "zhi", "nuo", "lia"} <= SYLLABLES
    assert {"ion", "bu4", "v", "ti4", "zhiu", "fiao", "ca e"}.isdisjoint(SYLLABLES)


def test_ascii_fast_path_matches_general_path() -> None:
    # The same Latin text with and without a non-ASCII character must be treated alike.
    ascii_text = "  Li-ion\x00 battery\t"
    assert normalise(ascii_text) == "Li-ion battery"
    assert normalise(ascii_text + "电池") == "Li-ion battery 电池"


# Alphabet for the property tests: traditional/simplified pairs (including characters OpenCC
# converts context-dependently), Latin with tone marks, digits, ASCII/full-width/CJK
# punctuation including brackets, several kinds of whitespace and invisible characters. It is
# small so that random strings actually form phrases, pinyin groups and space patterns; fully
# random Unicode is covered separately but almost never hits those.
_HAN_SAMPLE = (
    "鋁合金铝制製应應乾干著髮发後后復复覆麼么於于並并餘余薴苧苎"
    "創创新貴贵陽阳鋰锂離子電池軟體首都科技條件平台臺灣湾里裡裏"
)
_OTHER = (
    "abcAZLio019 -._'()（）,，。、;；!！\t\n\u00a0\u3000ａＺ１àáǎāüǚ\u200b\ufeff\u00ad\x00\u0301"
)
_MIXED_TEXT = st.lists(st.sampled_from(list(_HAN_SAMPLE + _OTHER)), max_size=40).map("".join)


@settings(max_examples=1000, deadline=None)
@given(_MIXED_TEXT)
def test_normalise_is_idempotent_on_mixed_text(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60))
def test_normalise_is_idempotent_on_any_unicode(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@settings(max_examples=300, deadline=None)
@given(_MIXED_TEXT)
def test_normalised_text_has_no_edge_or_double_spaces(text: str) -> None:
    out = normalise(text)
    assert out == out.strip()
    assert "  " not in out
    assert "\n" not in out and "\t" not in out and "\u200b" not in out
