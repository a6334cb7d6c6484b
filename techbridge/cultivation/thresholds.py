"""The official thresholds of the cultivation tiers, as editioned data with their sources.

Plain Python, no Django (import-linter's plain-python contract): ``selfcheck`` reads only
this module, and a new edition of a document is a new ``Source`` plus the changed
``Threshold`` rows — the check logic does not change (ADR 0019).

``verified`` says whether the value was checked against the text of the document. The
issuing bodies' own sites were not reachable from the build; "verified" means the value
was found, worded identically, in at least two independent reproductions of the document
(or in a government page quoting it), listed in ``checked_against``. Where we could not
find the text, ``verified`` is False and ``note`` says what is unverified; pages show
those as 未核实.

Money is integer fen (分), shares are ``Decimal`` percent values ("5" = 5 %), counts and
years are integers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# --- tiers ---------------------------------------------------------------------------------

TECH_SME = "tech_sme"  # 科技型中小企业
HIGH_TECH = "high_tech"  # 高新技术企业
SPECIALISED = "specialised"  # 专精特新中小企业
LITTLE_GIANT = "little_giant"  # 专精特新"小巨人"企业
ABOVE_SCALE = "above_scale"  # 规模以上工业企业
LISTED = "listed"  # 上市企业

TIERS = (TECH_SME, HIGH_TECH, SPECIALISED, LITTLE_GIANT, ABOVE_SCALE, LISTED)

# The ladder (科技型中小企业 → 高新技术企业 → 专精特新中小企业 → 小巨人); 规上 and 上市 are
# milestones beside it (the seeds' 微成长、小升规、高变强).
LADDER_RANK = {TECH_SME: 1, HIGH_TECH: 2, SPECIALISED: 3, LITTLE_GIANT: 4}
MILESTONES = (ABOVE_SCALE, LISTED)

YUAN = 100  # fen per yuan
WAN = 10_000 * YUAN  # fen per 万元


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    number: str  # 文号
    issuer: str
    effective: date
    checked_against: tuple[str, ...] = ()


@dataclass(frozen=True)
class Threshold:
    key: str
    tier: str
    source: str  # Source.key
    value: int | Decimal
    unit: str  # "fen", "percent", "people", "years", "count", "points"
    verified: bool
    note: str = ""


@dataclass(frozen=True)
class Validity:
    """How long a tier record holds by default: ``years`` from the obtained date (the
    last valid day is the day before the anniversary), ``calendar_year`` (until 31
    December of the year obtained), or neither (no expiry)."""

    tier: str
    source: str
    years: int = 0
    calendar_year: bool = False
    verified: bool = False
    note: str = ""


@dataclass(frozen=True)
class Edition:
    key: str
    sources: dict[str, Source] = field(default_factory=dict)
    thresholds: dict[str, Threshold] = field(default_factory=dict)
    validity: dict[str, Validity] = field(default_factory=dict)


SOURCES = (
    Source(
        key="gxqy2016",
        title="高新技术企业认定管理办法",
        number="国科发火〔2016〕32号",
        issuer="科技部 财政部 国家税务总局",
        effective=date(2016, 1, 1),
        checked_against=(
            "http://mz.net.cn/g81728489.html",
            "http://www.sfbaydouble.com/111880-111907.html",
            "http://obssurf.com/index.php/index/line_article?id=972",
        ),
    ),
    Source(
        key="kjxzx2017",
        title="科技型中小企业评价办法",
        number="国科发政〔2017〕115号",
        issuer="科技部 财政部 国家税务总局",
        effective=date(2017, 5, 3),
        checked_against=(
            "http://wzzgcs.com/page26?article_id=84&pagenum=2",
            "https://max.book118.com/html/2019/1107/8075124027002062.shtm",
            "http://wq0csk.cn/dyjh/405.html (评分标准)",
            "成都高新区 2024年科技型中小企业入库评价工作评分标准 (reproduced)",
            "http://xiweikeji.com/zxqyfw/wtjd/201603/1209f19185de491b851e8d8ccbadeed7.shtml",
        ),
    ),
    Source(
        key="gsgy2011",
        title="规模以上工业企业统计范围（年主营业务收入2000万元及以上的工业法人单位）",
        number="国家统计局 统计范围（2011年起）",
        issuer="国家统计局",
        effective=date(2011, 1, 1),
        checked_against=(
            "http://www.fujian.gov.cn/hdjl/hdjlzsk/tjj/tjzs/ny/202309/t20230920_6261695.htm",
        ),
    ),
    Source(
        key="tdpy2022",
        title="优质中小企业梯度培育管理暂行办法",
        number="工信部企业〔2022〕63号",
        issuer="工业和信息化部",
        effective=date(2022, 6, 1),
        checked_against=(
            "http://nomecha.com/view/449.html",
            "http://www.qqhlvip.com?act=project&id=618",
            "http://www.doulau.com/new-xiangmu/2561.html (小巨人)",
            "http://www.qdjlsl.com/s5123274.html (小巨人)",
        ),
    ),
)

_THRESHOLDS = (
    # 高新技术企业 — 办法第十一条
    Threshold("high_tech.registered_years", HIGH_TECH, "gxqy2016", 1, "years", True),
    Threshold(
        "high_tech.owns_ip",
        HIGH_TECH,
        "gxqy2016",
        1,
        "count",
        True,
        "The text asks for ownership of IP playing a core role for the main products, not "
        "a count; the self-check counts any class I or II IP entered.",
    ),
    Threshold("high_tech.st_staff_share", HIGH_TECH, "gxqy2016", Decimal("10"), "percent", True),
    Threshold(
        "high_tech.band_small_upper",
        HIGH_TECH,
        "gxqy2016",
        50_000_000 * YUAN,
        "fen",
        True,
        "近一年销售收入小于5,000万元（含）: the band includes 50,000,000.00 yuan.",
    ),
    Threshold(
        "high_tech.band_middle_upper",
        HIGH_TECH,
        "gxqy2016",
        200_000_000 * YUAN,
        "fen",
        True,
        "5,000万元至2亿元（含）: the band includes 200,000,000.00 yuan.",
    ),
    Threshold(
        "high_tech.rd_share_small",
        HIGH_TECH,
        "gxqy2016",
        Decimal("5"),
        "percent",
        True,
        "The text measures the last three fiscal years; the self-check uses the year entered.",
    ),
    Threshold("high_tech.rd_share_middle", HIGH_TECH, "gxqy2016", Decimal("4"), "percent", True),
    Threshold("high_tech.rd_share_large", HIGH_TECH, "gxqy2016", Decimal("3"), "percent", True),
    Threshold("high_tech.rd_in_china", HIGH_TECH, "gxqy2016", Decimal("60"), "percent", True),
    Threshold("high_tech.hightech_revenue", HIGH_TECH, "gxqy2016", Decimal("60"), "percent", True),
    # 科技型中小企业 — 评价办法第六条、第七条
    Threshold("tech_sme.max_staff", TECH_SME, "kjxzx2017", 500, "people", True),
    Threshold(
        "tech_sme.max_sales",
        TECH_SME,
        "kjxzx2017",
        200_000_000 * YUAN,
        "fen",
        True,
        "年销售收入不超过2亿元 (sales revenue).",
    ),
    Threshold("tech_sme.max_assets", TECH_SME, "kjxzx2017", 200_000_000 * YUAN, "fen", True),
    Threshold(
        "tech_sme.min_score",
        TECH_SME,
        "kjxzx2017",
        60,
        "points",
        True,
        "不低于60分，且科技人员指标得分不得为0分.",
    ),
    Threshold(
        "tech_sme.scoring_bands",
        TECH_SME,
        "kjxzx2017",
        100,
        "points",
        True,
        "科技人员 20 / 研发投入 50 / 科技成果 30 points; bands as in selfcheck.TECH_SME_BANDS, "
        "from reproductions of the 评价办法 and a district's 2024 scoring sheet.",
    ),
    # 规模以上工业企业
    Threshold(
        "above_scale.main_revenue",
        ABOVE_SCALE,
        "gsgy2011",
        20_000_000 * YUAN,
        "fen",
        True,
        "年主营业务收入2000万元及以上的工业法人单位 (since 2011); industrial units only.",
    ),
    # 专精特新中小企业 — 暂行办法 附件
    Threshold("specialised.niche_years", SPECIALISED, "tdpy2022", 2, "years", True),
    Threshold("specialised.rd_total", SPECIALISED, "tdpy2022", 1_000_000 * YUAN, "fen", True),
    Threshold("specialised.rd_share", SPECIALISED, "tdpy2022", Decimal("3"), "percent", True),
    Threshold(
        "specialised.revenue",
        SPECIALISED,
        "tdpy2022",
        10_000_000 * YUAN,
        "fen",
        True,
        "上年度营业收入总额在1000万元以上, or below it with 2 years' new equity ≥ 2000万元.",
    ),
    Threshold(
        "specialised.equity_alternative", SPECIALISED, "tdpy2022", 20_000_000 * YUAN, "fen", True
    ),
    Threshold(
        "specialised.equity_direct",
        SPECIALISED,
        "tdpy2022",
        60_000_000 * YUAN,
        "fen",
        True,
        "近两年新增股权融资总额6000万元以上: one of the conditions that stand for the score.",
    ),
    Threshold(
        "specialised.min_score",
        SPECIALISED,
        "tdpy2022",
        60,
        "points",
        False,
        "The 60-point pass mark is verified; the points of the 13 indicators "
        "(专业化、精细化、特色化、创新能力) were not found in full and are not computed.",
    ),
    # 专精特新"小巨人"企业
    Threshold("little_giant.niche_years", LITTLE_GIANT, "tdpy2022", 3, "years", True),
    Threshold("little_giant.main_share", LITTLE_GIANT, "tdpy2022", Decimal("70"), "percent", True),
    Threshold("little_giant.ip_class_1", LITTLE_GIANT, "tdpy2022", 2, "count", True),
    Threshold(
        "little_giant.band_upper",
        LITTLE_GIANT,
        "tdpy2022",
        100_000_000 * YUAN,
        "fen",
        False,
        "营业收入 1亿元以上 → 3 %; 5000万元—1亿元 → 6 %: the values are verified, but whether "
        "exactly 1亿 / 5000万 belongs to the upper band is not stated in the text found; "
        "the self-check counts 以上 as including the number.",
    ),
    Threshold(
        "little_giant.band_lower",
        LITTLE_GIANT,
        "tdpy2022",
        50_000_000 * YUAN,
        "fen",
        False,
        "See little_giant.band_upper.",
    ),
    Threshold(
        "little_giant.rd_share_large", LITTLE_GIANT, "tdpy2022", Decimal("3"), "percent", True
    ),
    Threshold(
        "little_giant.rd_share_middle", LITTLE_GIANT, "tdpy2022", Decimal("6"), "percent", True
    ),
    Threshold(
        "little_giant.small_equity", LITTLE_GIANT, "tdpy2022", 80_000_000 * YUAN, "fen", True
    ),
    Threshold(
        "little_giant.small_rd_total", LITTLE_GIANT, "tdpy2022", 30_000_000 * YUAN, "fen", True
    ),
    Threshold(
        "little_giant.small_rd_staff", LITTLE_GIANT, "tdpy2022", Decimal("50"), "percent", True
    ),
)

_VALIDITY = (
    Validity(
        TECH_SME,
        "kjxzx2017",
        calendar_year=True,
        verified=False,
        note="入库 is yearly (the registration number holds for the year of evaluation); the "
        "exact clause was not found in the text.",
    ),
    Validity(HIGH_TECH, "gxqy2016", years=3, verified=True, note="自颁发证书之日起有效期为三年"),
    Validity(
        SPECIALISED,
        "tdpy2022",
        years=3,
        verified=False,
        note="Three years assumed; the validity clause of 63号 was not found in the text.",
    ),
    Validity(
        LITTLE_GIANT,
        "tdpy2022",
        years=3,
        verified=False,
        note="Three years assumed; the validity clause of 63号 was not found in the text.",
    ),
    Validity(
        ABOVE_SCALE,
        "gsgy2011",
        calendar_year=True,
        verified=False,
        note="The statistical scope is reviewed every year; held until 31 December assumed.",
    ),
    Validity(LISTED, "", verified=True, note="A listing does not expire; revoke on delisting."),
)

CURRENT = Edition(
    key="2026-12",
    sources={s.key: s for s in SOURCES},
    thresholds={t.key: t for t in _THRESHOLDS},
    validity={v.tier: v for v in _VALIDITY},
)


def value(key: str, edition: Edition = CURRENT) -> int | Decimal:
    return edition.thresholds[key].value


def default_expiry(tier: str, obtained: date, edition: Edition = CURRENT) -> date | None:
    """The last day a tier record obtained on ``obtained`` holds by default (None: no
    expiry)."""
    rule = edition.validity[tier]
    if rule.calendar_year:
        return date(obtained.year, 12, 31)
    if rule.years:
        try:
            anniversary = obtained.replace(year=obtained.year + rule.years)
        except ValueError:  # 29 February → 1 March
            anniversary = date(obtained.year + rule.years, 3, 1)
        return date.fromordinal(anniversary.toordinal() - 1)
    return None
