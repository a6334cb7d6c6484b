"""Reading a news report into proposed chronicle entries — plain Python, no Django.

``clean_report(text)`` drops the page furniture a copied government news page carries
(share buttons, 【打印本页】【关闭窗口】, 版权所有 / Copyright, 主办单位, 责任编辑, 来源,
ICP 备案 lines, navigation crumbs such as 首页 > 新闻中心) and paragraphs repeated
verbatim. ``extract(text, published_on=…)`` then proposes one entry per sentence that
carries a date (2013年9月7日, 9月7日, 二〇一三年九月, 2013-09-07, 2014年，…), with the
undated sentences after it in the same paragraph as its context; each proposal has a
kind guessed from its verbs, places, organisations and figures (counts as integers,
money as integer fen, never floats). Everything here is a proposal for a person to check.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

DAY, MONTH, YEAR = "day", "month", "year"
MONEY, COUNT = "money", "count"

SIGNING, LAUNCH, TRAINING, MEETING, VISIT, OTHER = (
    "signing",
    "launch",
    "training",
    "meeting",
    "visit",
    "other",
)

HAN = "\u3007\u4e00-\u9fff"
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－／", "0123456789.-/")
_SPACES = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u200b]+")

# Lines that are page furniture, not the report (matched against the whole stripped line).
_BOILERPLATE = [
    re.compile(p)
    for p in (
        r"分享到[:：]?",
        r"【\s*(打印|关闭|打印本页|关闭窗口|字体|大|中|小|收藏|返回顶部)[^】]*】",
        r"版权所有",
        r"(?i)copyright|©|\(c\)\s*\d{4}",
        r"^(主办单位|承办单位|协办单位|技术支持|网站标识码|联系电话|联系我们)[:：]",
        r"^(责任编辑|编辑|审核|校对|作者|记者|通讯员)[:：]",
        r"^(来源|信息来源|稿件来源|文章来源)[:：]",
        r"(发布时间|发布日期|浏览次数|阅读次数|点击数|访问量)[:：]",
        r"(?i)ICP\s*(备|证)|公网安备|网安备",
        r"^(首页|当前位置|您的位置|您现在的位置)\s*[:：>＞»/›]",
        r"(首页|主页)\s*[>＞»›]\s*\S+",
        r"^(上一篇|下一篇|相关链接|相关新闻|相关阅读|扫一扫|打印本页|关闭窗口)[:：]?",
    )
]

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_CN_DIGITS.update({"五": 5, "六": 6, "七": 7, "八": 8, "九": 9})
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUM = "〇零○一二三四五六七八九两十百千"

# Dates, most specific first; each has named groups y (4 digits or Chinese), m, d.
_Y = r"(?P<y>(?:19|20)\d{2}|[〇零○一二][〇零○一二三四五六七八九]{3})"
_M = r"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_D = (
    r"(?P<d>3[01]|[12]\d|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?"
    r"|[一二三四五六七八九])"
)
_DATE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"{_Y}年{_M}月{_D}[日号]"), DAY),
    (
        re.compile(
            r"(?P<y>(?:19|20)\d{2})[-/.](?P<m>1[0-2]|0?[1-9])[-/.](?P<d>3[01]|[12]\d|0?[1-9])(?!\d)"
        ),
        DAY,
    ),
    (re.compile(rf"{_Y}年{_M}月(?![\d{_CN_NUM}]*[日号])"), MONTH),
    (re.compile(rf"(?<![\d年]){_M}月{_D}[日号]"), DAY),
    (
        re.compile(
            r"(?P<rel>今年|去年|前年)(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月(?:(?P<d>3[01]|[12]\d|0?[1-9])[日号])?"
        ),
        DAY,
    ),
    # A year or a month alone counts only opening a sentence ("2014年，…", "9月，…").
    (re.compile(rf"^{_Y}年(?=[，,])"), YEAR),
    (re.compile(rf"^{_M}月(?=[，,份])"), MONTH),
]
# A date that closes a period ("截至2013年底") is a running total, not an event.
_NOT_AN_EVENT = re.compile(r"(截至|截止|截止到|至今|以来)")

_KIND_WORDS: list[tuple[str, tuple[str, ...]]] = [
    (SIGNING, ("签约", "签署", "签订", "签下")),
    (LAUNCH, ("揭牌", "启动", "成立", "挂牌", "开通", "启用", "开园", "落成", "授牌")),
    (TRAINING, ("培训",)),
    (
        MEETING,
        (
            "对接会",
            "推介会",
            "座谈会",
            "洽谈会",
            "交流会",
            "研讨会",
            "联席会",
            "论坛",
            "会议",
            "召开",
        ),
    ),
    (VISIT, ("考察", "调研", "走访", "参观", "来访", "视察")),
]

_ORG_SUFFIX = (
    "委员会|研究院|研究所|研究中心|工作站|服务中心|孵化器|高新区|开发区|园区|平台|公司|集团|"
    "大学|学院|科技局|局|委|厅|办|协会|学会|商会|联盟|银行|医院|中心"
)
_ORG_SUFFIX_RE = re.compile(f"(?:{_ORG_SUFFIX})")
_ORG_SEGMENTS = re.compile(rf"[^{HAN}A-Za-z—\\-]+|与|和|及|同")
# Words that join or precede names; a name is cut after the last of them.
_ORG_CUT = re.compile(
    r".*(?:与|和|及|同|、|由|在|向|对|为|将|共同|共建|建设|举办|组织|参加|来自|邀请|会同|联合|携手|率|带领|并|暨|于|是|等|会上|期间|仪式|活动|双方|代表|的)"
)
_PLACE = re.compile(
    rf"在([{HAN}]{{2,10}}?)(?:隆重|正式|成功|顺利)?(?:举行|召开|举办|揭牌|开幕|启动|签约|签署|落地|开班|成立)"
)

_MEASURE = "人次|个|项|家|人|场|次|期|名|所|批|台|套|件"
_NUMBER = rf"(?:\d+(?:\.\d+)?|[{_CN_NUM}]+)"
_FIGURE = re.compile(rf"(?P<num>{_NUMBER})(?P<mult>万|亿)?(?:(?P<money>元)|(?P<unit>{_MEASURE}))")
_LABEL_TRIM = re.compile(r"(?:达到|达|为|约|近|超过|超|逾|计|共|总计|合计|累计|共计|有|了|等)+$")
_LABEL_START = re.compile(r".*(?:共|累计|总计|合计|其中|会上|现场|涉及|吸引|与|和|，|,|、)")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")

MAX_TITLE = 120


class ReportError(ValueError):
    """The text cannot be read as a report; ``code`` says why (callers translate it)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Figure:
    label: str
    quantity: str  # MONEY (value in fen) or COUNT
    value: int
    unit: str  # "元" for money; the measure word for counts

    def as_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "quantity": self.quantity,
            "value": self.value,
            "unit": self.unit,
        }


@dataclass
class Proposal:
    sentence: str  # the dated sentence as it stood
    context: str  # the undated sentences after it in the same paragraph
    date: dt.date
    precision: str
    kind: str
    title: str
    places: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


@dataclass
class Extraction:
    paragraphs: list[str]
    removed_lines: int
    repeated_paragraphs: int
    report_date: dt.date | None
    proposals: list[Proposal]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def digest(self) -> str:
        """What identifies the report: its cleaned text (page furniture aside)."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


# --- numbers and dates ------------------------------------------------------------------


def cn_number(text: str) -> int | None:
    """'八' → 8, '十二' → 12, '二十' → 20, '两百' → 200, '二〇一三' → 2013; None if not one."""
    if not text:
        return None
    if all(c in _CN_DIGITS for c in text):
        if len(text) > 1 and not any(c in "〇零○" for c in text) and len(text) != 4:
            # 三五 is "three or five", not 35.
            return None
        value = 0
        for c in text:
            value = value * 10 + _CN_DIGITS[c]
        return value
    total, digit = 0, None
    for c in text:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        elif c in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[c]
            digit = None
        else:
            return None
    return total + (digit or 0)


def _int(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) if text.isdigit() else cn_number(text)


def _make_date(y: int, m: int, d: int) -> dt.date | None:
    if not (1 <= m <= 12 and 1900 <= y <= 2100):
        return None
    if not 1 <= d <= calendar.monthrange(y, m)[1]:
        return None
    return dt.date(y, m, d)


def find_date(
    sentence: str, *, year: int | None, report_year: int | None = None
) -> tuple[dt.date, str, tuple[int, int]] | None:
    """The first date in ``sentence``: (date, precision, span). ``year`` completes "9月7日"
    (the last full date's year, else the report's); ``report_year`` reads 今年 / 去年. A month
    or year date is the first day of it."""
    best: tuple[dt.date, str, tuple[int, int]] | None = None
    for pattern, precision in _DATE_PATTERNS:
        for match in pattern.finditer(sentence):
            groups = match.groupdict()
            if groups.get("rel"):
                if report_year is None:
                    continue
                y: int | None = report_year - {"今年": 0, "去年": 1, "前年": 2}[groups["rel"]]
            elif groups.get("y"):
                y = _int(groups["y"])
            else:
                y = year
            m = _int(groups.get("m")) or 1
            d = _int(groups.get("d")) or 1
            prec = precision
            if groups.get("rel") and not groups.get("d"):
                prec = MONTH
            if y is None:
                continue
            found = _make_date(y, m, d)
            if found is None:
                continue
            if best is None or match.start() < best[2][0]:
                best = (found, prec, match.span())
            break
    return best


def report_date_from(lines: list[str]) -> dt.date | None:
    """The publication date a page states in its header (发布时间：2013-09-09 …)."""
    for line in lines:
        if re.search(r"(发布时间|发布日期|发文日期|日期|时间)[:：]", line):
            part = re.split(r"(?:发布时间|发布日期|发文日期|日期|时间)[:：]", line, maxsplit=1)[1]
            found = find_date(part.strip(), year=None)
            if found and found[1] == DAY:
                return found[0]
    return None


# --- cleaning -----------------------------------------------------------------------------


def _normal_line(line: str) -> str:
    return _SPACES.sub(" ", line.translate(_FULL_WIDTH)).strip()


def is_boilerplate(line: str) -> bool:
    return any(p.search(line) for p in _BOILERPLATE)


def clean_report(text: str) -> tuple[list[str], int, int, list[str]]:
    """(paragraphs, boilerplate lines removed, repeated paragraphs removed, all lines)."""
    if "\x00" in text:
        raise ReportError("binary")
    lines = [
        _normal_line(raw) for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ]
    lines = [line for line in lines if line]
    kept: list[str] = []
    seen: set[str] = set()
    removed = repeated = 0
    for line in lines:
        if is_boilerplate(line):
            removed += 1
            continue
        key = re.sub(r"\s+", "", line)
        if key in seen:
            repeated += 1
            continue
        seen.add(key)
        kept.append(line)
    return kept, removed, repeated, lines


# --- figures, places, organisations ----------------------------------------------------


def _decimal(num: str) -> Decimal | None:
    if num.isascii():
        try:
            return Decimal(num)
        except InvalidOperation:
            return None
    value = cn_number(num)
    return None if value is None else Decimal(value)


def _label(before: str, after: str) -> str:
    clause = re.split(r"[，,；;：:。、（(）)]", before)[-1]
    clause = re.sub(rf"[^{HAN}A-Za-z]", "", clause)
    clause = _LABEL_START.sub("", clause)
    clause = _LABEL_TRIM.sub("", clause)
    if len(clause) > 10:
        clause = clause[-10:]
    if len(clause) < 2:
        # "与八家单位签署": the figure names what follows it.
        noun = re.match(rf"[{HAN}]{{2}}", after)
        clause = noun.group(0) if noun else clause
    return clause


def find_figures(text: str) -> list[Figure]:
    """Counts ("签约项目59个", "1.2万人次", "八家单位") and money ("总投资达660亿元" → fen)."""
    figures: list[Figure] = []
    for match in _FIGURE.finditer(text):
        amount = _decimal(match["num"])
        if amount is None or amount <= 0:
            continue
        if match["mult"]:
            amount *= Decimal(10) ** (4 if match["mult"] == "万" else 8)
        label = _label(text[: match.start()], text[match.end() :])
        if match["money"]:
            fen = amount * 100
            if fen != fen.to_integral_value():
                continue
            figures.append(Figure(label or "金额", MONEY, int(fen), "元"))
        else:
            if amount != amount.to_integral_value():
                continue
            figures.append(Figure(label, COUNT, int(amount), match["unit"]))
    return figures


def find_places(text: str) -> list[str]:
    return _unique(m.group(1) for m in _PLACE.finditer(text))


def find_organisations(text: str) -> list[str]:
    """Names ending in 局 / 委 / 公司 / 大学 / 研究院 / 工作站 / 平台 / 园区 …, cut after the
    last joining word or verb before them ("…与北部湾技术转移研究院" → the institute)."""
    names = []
    for segment in _ORG_SEGMENTS.split(text):
        ends = [m.end() for m in _ORG_SUFFIX_RE.finditer(segment)]
        if not ends:
            continue
        name = _ORG_CUT.sub("", segment[: ends[-1]]).strip("—-")
        if len(name) >= 3 and not _ORG_SUFFIX_RE.fullmatch(name):
            names.append(name[-30:])
    return _unique(names)


def guess_kind(*texts: str) -> str:
    """The kind whose verb comes first in the first text that has one (揭牌…签署 → launch)."""
    for text in texts:
        hits = [
            (text.find(word), order, kind)
            for order, (kind, words) in enumerate(_KIND_WORDS)
            for word in words
            if word in text
        ]
        if hits:
            return min(hits)[2]
    return OTHER


def _unique(items: object) -> list[str]:
    out: list[str] = []
    for item in items:  # type: ignore[attr-defined]
        if item and item not in out:
            out.append(item)
    return out


# --- the proposals ------------------------------------------------------------------------


def _sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]


def _title(sentence: str, span: tuple[int, int]) -> str:
    rest = (sentence[: span[0]] + sentence[span[1] :]).strip()
    rest = re.sub(r"^[，,、\s]+|[。！？；!?;\s]+$", "", rest)
    rest = re.sub(r"^(上午|下午|晚上|当天|期间)[，,]?", "", rest)
    return rest[:MAX_TITLE] or sentence[:MAX_TITLE]


def extract(text: str, *, published_on: dt.date | None = None) -> Extraction:
    """Clean ``text`` and propose one entry per dated sentence. ``published_on`` (the
    report's date, when the editor gives it) completes dates without a year; otherwise the
    date the page header states, then the last full date before the sentence."""
    paragraphs, removed, repeated, lines = clean_report(text)
    report_date = published_on or report_date_from(lines)
    report_year = report_date.year if report_date else None
    proposals: list[Proposal] = []
    last_year = report_year
    for paragraph in paragraphs:
        current: Proposal | None = None
        context: list[str] = []
        for sentence in _sentences(paragraph):
            found = find_date(sentence, year=last_year, report_year=report_year)
            if found is not None and not _NOT_AN_EVENT.search(sentence[: found[2][1] + 4]):
                if current is not None:
                    _finish(current, context)
                date, precision, span = found
                if precision != YEAR or span[0] == 0:
                    last_year = date.year
                current = Proposal(
                    sentence=sentence,
                    context="",
                    date=date,
                    precision=precision,
                    kind=OTHER,
                    title=_title(sentence, span),
                )
                context = []
                proposals.append(current)
            elif current is not None:
                context.append(sentence)
        if current is not None:
            _finish(current, context)
    return Extraction(paragraphs, removed, repeated, report_date, proposals)


def _finish(proposal: Proposal, context: list[str]) -> None:
    proposal.context = "".join(context)
    # Dates are not figures ("9月7日" is no count of 月).
    body = proposal.sentence + proposal.context
    for pattern, _precision in _DATE_PATTERNS:
        body = pattern.sub("，", body)
    proposal.kind = guess_kind(proposal.sentence, proposal.context)
    proposal.places = find_places(proposal.sentence + proposal.context)
    proposal.organisations = find_organisations(proposal.sentence + proposal.context)
    proposal.figures = find_figures(body)


# --- figures as lines a person edits --------------------------------------------------------


def money_text(fen: int) -> str:
    """Fen as people write it, exactly: 6,600,000,000,000 fen → "660亿元"."""
    yuan = Decimal(fen) / 100
    for unit, size in (("亿元", Decimal(100_000_000)), ("万元", Decimal(10_000))):
        if yuan >= size:
            value = yuan / size
            return f"{_plain(value)}{unit}"
    return f"{_plain(yuan)}元"


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def figure_text(figure: Figure) -> str:
    """'签约项目 59 个', '总投资 660亿元' — the line format ``parse_figure_lines`` reads."""
    if figure.quantity == MONEY:
        return f"{figure.label} {money_text(figure.value)}".strip()
    return f"{figure.label} {figure.value} {figure.unit}".strip()


def parse_figure_lines(text: str) -> list[Figure]:
    """One figure per line ("签约项目 59 个", "总投资 660亿元"); ReportError('figure', line)
    names the first line that is not one."""
    figures = []
    for raw in text.splitlines():
        line = re.sub(r"\s+", "", raw.translate(_FULL_WIDTH)).replace(",", "")
        if not line:
            continue
        match = re.fullmatch(
            rf"(?P<label>[^\d]*?)(?P<num>\d+(?:\.\d+)?)(?P<mult>万|亿)?(?:(?P<money>元)|(?P<unit>[{HAN}A-Za-z]{{1,6}}))?",
            line,
        )
        if match is None or (not match["money"] and not match["unit"]):
            raise ReportError("figure", raw.strip())
        amount = Decimal(match["num"])
        if match["mult"]:
            amount *= Decimal(10) ** (4 if match["mult"] == "万" else 8)
        label = match["label"].strip() or ("金额" if match["money"] else "")
        if match["money"]:
            fen = amount * 100
            if fen != fen.to_integral_value():
                raise ReportError("figure", raw.strip())
            figures.append(Figure(label[:40], MONEY, int(fen), "元"))
        else:
            if amount != amount.to_integral_value() or not label:
                raise ReportError("figure", raw.strip())
            figures.append(Figure(label[:40], COUNT, int(amount), match["unit"][:8]))
    return figures


def split_names(text: str) -> list[str]:
    """'贵阳、北京, 承德' → ['贵阳', '北京', '承德']."""
    return _unique(part.strip()[:100] for part in re.split(r"[、,，;；\n]+", text or ""))
