"""The extractor on an invented government news page: furniture and the repeated paragraph
go, exactly the four dated events are proposed with their dates, kinds and figures."""

import datetime as dt
import subprocess
import sys

import pytest

from techbridge.chronicle import extraction as x
from techbridge.chronicle.tests.report_sample import REPORT


def test_the_sample_report_proposes_exactly_its_four_events() -> None:
    read = x.extract(REPORT)
    assert read.report_date == dt.date(2015, 6, 12)  # 发布时间 in the page header
    assert read.repeated_paragraphs == 1
    text = read.text
    for furniture in (
        "分享到",
        "打印本页",
        "版权所有",
        "Copyright",
        "主办单位",
        "责任编辑",
        "来源：",
        "ICP",
        "首页 >",
        "上一篇",
    ):
        assert furniture not in text, furniture
    got = [(p.date, p.precision, p.kind) for p in read.proposals]
    assert got == [
        (dt.date(2015, 6, 10), "day", "launch"),
        (dt.date(2015, 6, 11), "day", "meeting"),  # 6月11日: the year of the last full date
        (dt.date(2015, 5, 1), "month", "training"),  # 二〇一五年五月
        (dt.date(2015, 4, 20), "day", "visit"),  # 2015-04-20
    ]
    launch, meeting, training, visit = read.proposals
    assert launch.places == ["黔山"]
    assert launch.organisations == [
        "北部湾—黔山科技合作工作站",
        "黔山市科技局",
        "北部湾技术转移研究院",
    ]
    assert launch.figures == []
    assert meeting.figures == [
        x.Figure("签约项目", x.COUNT, 23, "个"),
        x.Figure("总投资", x.MONEY, 485_000_000_000, "元"),  # 48.5亿元 in fen, exactly
    ]
    assert training.figures == [x.Figure("培训", x.COUNT, 12_000, "人次")]
    assert visit.figures == [x.Figure("单位", x.COUNT, 8, "家")]


@pytest.mark.parametrize(
    ("sentence", "year", "expected"),
    [
        (
            "2013年9月7日，首都科技条件平台贵阳工作站在贵阳揭牌。",
            None,
            (dt.date(2013, 9, 7), "day"),
        ),
        ("9月7日，举行签约仪式。", 2013, (dt.date(2013, 9, 7), "day")),
        ("二〇一三年九月，双方召开座谈会。", None, (dt.date(2013, 9, 1), "month")),
        ("2013年9月，双方召开座谈会。", None, (dt.date(2013, 9, 1), "month")),
        ("2013-09-07，对接会召开。", None, (dt.date(2013, 9, 7), "day")),
        ("2014年，共举办培训班12期。", None, (dt.date(2014, 1, 1), "year")),
        ("二〇一三年九月二十七日，推介会召开。", None, (dt.date(2013, 9, 27), "day")),
        ("2013年2月30日，不存在的日子。", None, None),
        ("9月7日，没有年份可依。", None, None),
    ],
)
def test_dates(sentence: str, year: int | None, expected: object) -> None:
    found = x.find_date(sentence, year=year)
    assert (found[:2] if found else None) == expected


def test_the_headline_example_and_its_figures() -> None:
    read = x.extract(
        "2013年9月7日，首都科技条件平台贵阳工作站在贵阳揭牌。\n"
        "9月8日，京筑科技合作对接会召开，共签约项目59个，总投资达660亿元。"
    )
    first, second = read.proposals
    assert (first.kind, first.title) == ("launch", "首都科技条件平台贵阳工作站在贵阳揭牌")
    assert first.organisations == ["首都科技条件平台贵阳工作站"]
    assert second.date == dt.date(2013, 9, 8) and second.kind == "meeting"
    assert second.figures == [
        x.Figure("签约项目", x.COUNT, 59, "个"),
        x.Figure("总投资", x.MONEY, 66_000_000_000_00, "元"),
    ]
    assert x.guess_kind("双方签署合作协议") == "signing"
    assert x.guess_kind("举办技术经纪人培训班") == "training"


def test_running_totals_are_not_events_and_undated_text_proposes_nothing() -> None:
    assert x.extract("截至2015年6月底，累计签约项目120个。").proposals == []
    assert x.extract("双方将继续深化合作。").proposals == []


def test_figure_lines_round_trip_and_bad_lines_are_named() -> None:
    figures = [
        x.Figure("签约项目", x.COUNT, 59, "个"),
        x.Figure("总投资", x.MONEY, 48_512_345_600, "元"),
    ]
    text = "\n".join(x.figure_text(f) for f in figures)
    assert text == "签约项目 59 个\n总投资 4.85123456亿元"
    assert x.parse_figure_lines(text) == figures
    with pytest.raises(x.ReportError) as err:
        x.parse_figure_lines("签约项目 很多")
    assert err.value.detail == "签约项目 很多"


def test_the_extractor_imports_no_django() -> None:
    code = (
        "import sys, techbridge.chronicle.extraction as x; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
