"""Tests for techbridge.text.tokenise (no database needed)."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from techbridge.text import (
    STOP_WORDS,
    add_words,
    is_meaningful,
    search_key,
    tokenise,
    tokenise_for_index,
)


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("采用Li-ion电池", "li-ion"),
        ("211Z型号", "211z"),
        ("仿真(CAE)分析", "cae"),
        ("RO反渗透", "ro"),
        ("5G通信", "5g"),
        ("TC4钛合金", "tc4"),
        ("ＣＡＥ仿真", "cae"),  # full-width is normalised before tokenising
        ("固件v1.2.3版本", "v1.2.3"),
    ],
)
def test_latin_words_and_model_numbers_are_kept_whole_and_lower_cased(
    text: str, token: str
) -> None:
    assert token in tokenise(text)


def test_mixed_text_is_split_at_script_boundaries() -> None:
    assert tokenise("Li-ion电池 211Z GB/T 2260 12.5% TC4钛合金") == [
        "li-ion",
        "电池",
        "211z",
        "gb",
        "t",
        "2260",
        "12.5",
        "tc4",
        "钛合金",
    ]


def test_stop_words_are_removed() -> None:
    tokens = tokenise("铝合金在船舶制造中的应用")
    assert tokens == ["铝合金", "船舶", "制造", "应用"]
    assert tokenise("The design of a Li-ion battery") == ["design", "li-ion", "battery"]


def test_abbreviations_that_look_like_english_stop_words_survive() -> None:
    assert tokenise("IT服务与NO排放") == ["it", "服务", "no", "排放"]


@pytest.mark.parametrize(
    "text", ["", None, "   ", "，。！？…", "()（）《》【】", "---", "的 了 和 与"]
)
def test_text_without_content_gives_no_tokens(text: str | None) -> None:
    assert tokenise(text) == []


def test_traditional_and_simplified_give_the_same_tokens() -> None:
    assert tokenise("鋁合金在船舶製造中的應用") == tokenise("铝合金在船舶制造中的应用")
    assert tokenise("鋰離子電池（Li-ion）") == ["锂离子电池", "li-ion"]


def test_pre_segmented_and_annotated_text_give_the_same_tokens() -> None:
    clean = tokenise("首都科技条件平台创新")
    assert tokenise("首都 科技 条件 平台 創(chuàng)新") == clean


def test_single_han_characters_are_kept_unless_stop_words() -> None:
    tokens = tokenise("铝灰渣的处理")
    assert "铝" in tokens
    assert "的" not in tokens


def test_normalised_flag_skips_normalisation() -> None:
    # Full-width letters are word characters too; only normalise turns them into ASCII.
    assert tokenise("ＣＡＥ", normalised=True) == ["ｃａｅ"]
    assert tokenise("ＣＡＥ") == ["cae"]


def test_domain_terms_are_single_tokens() -> None:
    assert tokenise("技术经纪人促进技术转移") == ["技术经纪人", "促进", "技术转移"]
    assert "锂离子电池" in tokenise("锂离子电池回收")
    assert "胶凝材料" in tokenise("赤泥基胶凝材料")


def test_add_words_joins_new_terms_and_is_idempotent() -> None:
    # A made-up compound, so no other test has added it to the shared segmenter.
    assert tokenise("晶硅切割废料回收") == ["晶硅", "切割", "废料", "回收"]
    assert add_words(["晶硅切割废料"]) == 1
    assert tokenise("晶硅切割废料回收") == ["晶硅切割废料", "回收"]
    assert add_words(["晶硅切割废料", " 晶硅切割废料 "]) == 0


def test_add_words_normalises_and_keeps_only_han_runs() -> None:
    assert tokenise("盐湖提锂工艺") == ["盐湖", "提锂", "工艺"]
    # Traditional input is converted; the Latin part of a mixed term is not added (Latin never
    # reaches jieba), single characters are ignored.
    assert add_words(["鹽湖提鋰", "X5型", "碳"]) == 1
    assert tokenise("盐湖提锂工艺") == ["盐湖提锂", "工艺"]
    assert add_words(["盐湖提锂"]) == 0


def test_index_tokens_include_sub_words_of_compounds() -> None:
    index = tokenise_for_index("锂离子动力电池")
    assert {"锂离子", "动力", "电池", "动力电池"} <= set(index)
    assert set(tokenise("动力电池")) <= set(index)
    assert "动力" not in tokenise("锂离子动力电池")


def test_index_tokens_include_parts_of_hyphenated_words() -> None:
    assert tokenise_for_index("Li-ion") == ["li-ion", "li", "ion"]
    assert tokenise("Li-ion") == ["li-ion"]


def test_search_key_joins_tokens() -> None:
    assert search_key("鋁合金 在 Li-ion 電池中的應用") == "铝合金 li-ion 电池 应用"
    assert search_key("。。。") == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("锂电池", True),
        ("5G", True),
        ("2023", True),
        ("铝", True),
        ("", False),
        (None, False),
        ("   ", False),
        ("？？？！", False),
        ("的了和", False),
        ("x", False),
        ("aaaa", False),
        ("1111 !!", False),
    ],
)
def test_is_meaningful(text: str | None, expected: bool) -> None:
    assert is_meaningful(text) is expected


def test_tokenise_and_add_words_can_run_in_parallel() -> None:
    # rjieba releases the GIL while cutting; without the module lock, add_word during a cut
    # raises "RuntimeError: Already borrowed". One long Han run keeps each cut busy for a while.
    text = "锂离子动力电池在新能源汽车中的应用研究" * 20000
    han_digits = "零一二三四五六七八九"
    cutting_done = threading.Event()
    errors: list[BaseException] = []

    def cut_repeatedly() -> None:
        try:
            for _ in range(3):
                tokenise(text)
        except BaseException as exc:
            errors.append(exc)
        finally:
            cutting_done.set()

    def add_until_done() -> None:
        i = 0
        try:
            while not cutting_done.is_set() and i < 20000:
                word = "并发测试" + "".join(han_digits[int(d)] for d in str(i))
                add_words([word])
                i += 1
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=fn) for fn in (cut_repeatedly, add_until_done)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


_MIXED_TEXT = st.lists(
    st.sampled_from(
        list("锂离子动力电池铝合金船舶制造应用鋁製應的在和与 Li-onCAE211Z5G-._/%，。()")
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_MIXED_TEXT)
def test_index_tokens_are_a_superset_of_query_tokens(text: str) -> None:
    assert set(tokenise(text)) <= set(tokenise_for_index(text))


@settings(max_examples=300, deadline=None)
@given(_MIXED_TEXT)
def test_tokens_are_clean(text: str) -> None:
    for token in tokenise_for_index(text):
        assert token
        assert token not in STOP_WORDS
        assert token == token.lower()
        assert " " not in token
