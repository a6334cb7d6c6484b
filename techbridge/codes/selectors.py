"""Reading the code lists. Other apps call these functions, never the models directly.

Lookups by code are meant to be called once per imported row (10^5 rows), so each list of
the current edition is read once per process into an in-memory index (one query, a few
thousand rows) and answered from there. ``load_code_lists`` clears the index; anything
else that changes the codes tables (a test rolling back, a shell session) must call
:func:`clear_cache`. Other processes pick up a reload when they restart.

The model instances returned by the lookups are shared by every caller: read them, do not
modify them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from techbridge.codes import holidays, pinyin
from techbridge.codes.choices import CODE_LISTS, LISTS_EDITION, CalendarDayKind
from techbridge.codes.models import (
    COUNTRY_EDITION,
    INDUSTRY_EDITION,
    REGION_EDITION,
    CodeListEntry,
    Country,
    Industry,
    Region,
    WorkCalendarDay,
    WorkCalendarYear,
)
from techbridge.codes.workcalendar import WorkCalendar


@dataclass(frozen=True)
class _RegionIndex:
    by_pk: dict[int, Region]
    preferred: dict[str, Region]  # code → the entry get_region answers with
    all_codes: frozenset[str]
    current_codes: frozenset[str]


@dataclass(frozen=True)
class _IndustryIndex:
    by_pk: dict[int, Industry]
    by_code: dict[str, Industry]


@lru_cache(maxsize=4)
def _region_index(edition: str) -> _RegionIndex:
    by_pk: dict[int, Region] = {}
    preferred: dict[str, Region] = {}
    # Current entries sort first, so the first one seen for a code is the preferred one;
    # pk breaks remaining ties so the answer never depends on the database's row order.
    for region in Region.objects.filter(edition=edition).order_by("code", "revoked", "pk"):
        by_pk[region.pk] = region
        preferred.setdefault(region.code, region)
    current = frozenset(r.code for r in by_pk.values() if not r.revoked)
    return _RegionIndex(by_pk, preferred, frozenset(preferred), current)


@lru_cache(maxsize=4)
def _industry_index(edition: str) -> _IndustryIndex:
    rows = list(Industry.objects.filter(edition=edition))
    return _IndustryIndex({i.pk: i for i in rows}, {i.code: i for i in rows})


@lru_cache(maxsize=4)
def _country_index(edition: str) -> dict[str, Country]:
    index: dict[str, Country] = {}
    for country in Country.objects.filter(edition=edition):
        index[country.alpha2] = index[country.alpha3] = index[country.numeric] = country
    return index


def clear_cache() -> None:
    """Forget the in-process indexes; the next lookup reads the tables again."""
    _region_index.cache_clear()
    _industry_index.cache_clear()
    _country_index.cache_clear()
    _work_calendar.cache_clear()


# --- Regions (GB/T 2260) -------------------------------------------------------------------


def get_region(code: str) -> Region | None:
    """The division with this 6-digit code, or None. Where a code was reused, the current
    division wins; a revoked one is returned only when nothing current has the code."""
    return _region_index(REGION_EDITION).preferred.get(code.strip())


def region_chain(code: str) -> list[Region]:
    """The division and its ancestors, province first (520100 → [贵州省, 贵阳市]);
    empty for an unknown code."""
    index = _region_index(REGION_EDITION)
    chain: list[Region] = []
    region = index.preferred.get(code.strip())
    while region is not None:
        chain.append(region)
        region = index.by_pk.get(region.parent_id) if region.parent_id else None
    chain.reverse()
    return chain


def region_label(code: str) -> str:
    """Full name from the province down ("贵州省 贵阳市"), or the code itself if unknown."""
    chain = region_chain(code)
    return " ".join(r.name for r in chain) if chain else code


#: What people leave off a division's name: "北京" for 北京市, "花溪" for 花溪区.
_REGION_SUFFIXES = (
    "特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县",
    "地区", "新区", "林区", "盟", "省", "市", "区", "县", "旗",
)  # fmt: skip


def _bare(name: str) -> str:
    for suffix in _REGION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def find_regions(text: str) -> list[Region]:
    """The current divisions a person means by ``text``: a code ("520115"), a name with or
    without its suffix ("北京", "北京市", "花溪区"), or a chain ("贵阳 花溪", "贵州省贵阳市").
    More than one answer means the text is ambiguous ("朝阳": a city in Liaoning and a
    district of Beijing and of Changchun); none, that nothing is called so. A division
    wins over the ones inside it that share its name (吉林省 over 吉林市)."""
    text = "".join(str(text or "").split()) if not str(text or "").strip().isdigit() else text
    text = str(text).strip()
    if not text:
        return []
    index = _region_index(REGION_EDITION)
    if text.isdigit():
        region = index.preferred.get(text)
        return [region] if region is not None and not region.revoked else []
    current = [r for r in index.preferred.values() if not r.revoked]

    def chain_text(region: Region) -> str:
        names = []
        node: Region | None = region
        while node is not None:
            names.append(node.name)
            node = index.by_pk.get(node.parent_id) if node.parent_id else None
        return "".join(reversed(names))

    exact = [r for r in current if r.name == text or _bare(r.name) == text]
    if not exact:
        # A chain: the last division's name ends the text, its ancestors' names come first.
        exact = [
            r
            for r in current
            if text.endswith((r.name, _bare(r.name)))
            and _chain_matches(text, chain_text(r), r.name)
        ]
    if len(exact) > 1:
        # 吉林省 contains 吉林市: the wider one answers (a filter by it includes the other).
        codes = {r.code for r in exact}
        exact = [r for r in exact if not any(a.code in codes for a in _ancestors(index, r))]
    return sorted(exact, key=lambda r: r.code)


def _ancestors(index: _RegionIndex, region: Region) -> list[Region]:
    found = []
    node = index.by_pk.get(region.parent_id) if region.parent_id else None
    while node is not None:
        found.append(node)
        node = index.by_pk.get(node.parent_id) if node.parent_id else None
    return found


def _chain_matches(text: str, chain: str, own: str) -> bool:
    """Whether every character run of ``text`` before the division's own name appears, in
    order, in the names of its ancestors (suffixes may be left off)."""
    head = text[: -len(own)] if text.endswith(own) else text[: -len(_bare(own))]
    if not head:
        return False
    position = 0
    ancestors = chain[: -len(own)]
    for ch in head:
        found = ancestors.find(ch, position)
        if found < 0:
            return False
        position = found + 1
    return True


def resolve_region(text: str) -> str:
    """The code of the one division ``text`` names (see :func:`find_regions`); "" for an
    empty text. ValidationError, naming the value and what would be accepted, when no
    division or more than one is called so."""
    text = str(text or "").strip()
    if not text:
        return ""
    found = find_regions(text)
    if len(found) == 1:
        return found[0].code
    if not found:
        raise ValidationError(
            _(
                "No region is called “%(value)s”. Write a name such as 北京, 贵阳市 or 花溪区, "
                "or a six-digit code such as 520100."
            )
            % {"value": text}
        )
    named = "、".join(f"{region_label(r.code)}（{r.code}）" for r in found[:6])
    raise ValidationError(
        _(
            "“%(value)s” names several regions: %(choices)s. "
            "Add the province or city, e.g. %(example)s."
        )
        % {"value": text, "choices": named, "example": region_label(found[0].code).replace(" ", "")}
    )


def region_query(text: str) -> tuple[str, str]:
    """A filter's region as people type it: (code, "") when it names one division,
    ("", message) when it names none or several — the page says so rather than ignoring it
    and showing everything."""
    try:
        return resolve_region(text), ""
    except ValidationError as error:
        return "", " ".join(error.messages)


def is_valid_region(code: str, *, allow_revoked: bool = True) -> bool:
    """Whether the code exists in the current edition; revoked codes count unless
    ``allow_revoked`` is False (old contracts legitimately carry revoked codes)."""
    index = _region_index(REGION_EDITION)
    return code.strip() in (index.all_codes if allow_revoked else index.current_codes)


def region_codes(*, include_revoked: bool = True) -> frozenset[str]:
    """Every region code, for validating many rows at once with a set lookup."""
    index = _region_index(REGION_EDITION)
    return index.all_codes if include_revoked else index.current_codes


def region_prefix(code: str) -> str:
    """The significant prefix for "in this region" filters: 520000 → "52",
    520100 → "5201", 520102 → "520102". Raises ValueError for a non 6-digit code."""
    code = code.strip()
    if len(code) != 6 or not code.isdigit():
        raise ValueError(f"not a GB/T 2260 code: {code!r}")
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def provinces(*, include_revoked: bool = False) -> QuerySet[Region]:
    """Province-level divisions (省、自治区、直辖市、特别行政区) ordered by code."""
    qs = Region.objects.filter(edition=REGION_EDITION, level=1)
    if not include_revoked:
        qs = qs.filter(revoked=False)
    return qs.order_by("code", "name")


def children(code: str, *, include_revoked: bool = False) -> QuerySet[Region]:
    """The divisions directly under the one with this code, ordered by code; empty for an
    unknown code. Revoked children are left out unless asked for."""
    region = get_region(code)
    if region is None:
        return Region.objects.none()
    qs = Region.objects.filter(parent_id=region.pk)
    if not include_revoked:
        qs = qs.filter(revoked=False)
    return qs.order_by("code", "name")


def region_path(region: Region) -> str:
    """The division's full name from the province down, for this very row (a revoked
    division too): "贵州省 贵阳市 花溪区"."""
    index = _region_index(region.edition)
    names = [region.name]
    node = index.by_pk.get(region.parent_id) if region.parent_id else None
    while node is not None:
        names.append(node.name)
        node = index.by_pk.get(node.parent_id) if node.parent_id else None
    return " ".join(reversed(names))


def _ranked(qs: QuerySet, text: str, exact: list[str]) -> QuerySet:
    """``qs`` narrowed to the rows ``text`` may mean, best first: the rows named exactly
    (``exact`` codes), names starting with the text, initials equal to the letters, names
    or pinyin starting with them, and last names containing the text or codes starting
    with it. Letters are matched on the stored, indexed spellings (ADR 0015)."""
    compact = "".join(text.split())
    letters = pinyin.letters(text)
    typed_letters = bool(letters) and letters == compact.lower()
    wanted = Q(name__icontains=compact) | Q(code__startswith=compact.upper())
    ranks = [When(name__startswith=compact, then=Value(1))]
    if exact:
        wanted |= Q(code__in=exact)
        ranks.insert(0, When(code__in=exact, then=Value(0)))
    if typed_letters:
        wanted |= Q(initials__startswith=letters) | Q(pinyin__startswith=letters)
        ranks += [
            When(initials=letters, then=Value(2)),
            When(Q(initials__startswith=letters) | Q(pinyin__startswith=letters), then=Value(3)),
        ]
    rank = Case(*ranks, default=Value(4), output_field=IntegerField())
    return qs.filter(wanted).annotate(rank=rank).order_by("rank", "level", "code")


def search_regions(
    text: str, *, parent: str = "", include_revoked: bool = False
) -> QuerySet[Region]:
    """The divisions a picker offers for ``text``: by name ("贵阳", "贵阳 花溪"), pinyin
    initials ("gy", "bj"), full pinyin ("guiyang") or code prefix, best first; only those
    under ``parent`` if given. No text: the provinces, or ``parent``'s children."""
    if parent:
        qs = children(parent, include_revoked=include_revoked)
    elif text.strip():
        qs = Region.objects.filter(edition=REGION_EDITION)
        if not include_revoked:
            qs = qs.filter(revoked=False)
    else:
        qs = provinces(include_revoked=include_revoked)
    text = text.strip()
    if not text:
        return qs
    return _ranked(qs, text, [r.code for r in find_regions(text)])


# --- Industries (GB/T 4754-2017) -------------------------------------------------------------


def _industry_key(code: str) -> str:
    return code.strip().upper()


def get_industry(code: str) -> Industry | None:
    """The industry with this code: a section letter ("A") or a 2/3/4-digit code with its
    leading zeros ("01", "011", "0111"); None if unknown."""
    return _industry_index(INDUSTRY_EDITION).by_code.get(_industry_key(code))


def is_valid_industry(code: str) -> bool:
    """Whether the code is a section, division, group or class of the current edition."""
    return _industry_key(code) in _industry_index(INDUSTRY_EDITION).by_code


def industry_codes() -> frozenset[str]:
    """Every industry code, for validating many rows at once."""
    return frozenset(_industry_index(INDUSTRY_EDITION).by_code)


def industry_chain(code: str) -> list[Industry]:
    """The industry and its ancestors, section first (0111 → [A, 01, 011, 0111])."""
    index = _industry_index(INDUSTRY_EDITION)
    chain: list[Industry] = []
    industry = index.by_code.get(_industry_key(code))
    while industry is not None:
        chain.append(industry)
        industry = index.by_pk.get(industry.parent_id) if industry.parent_id else None
    chain.reverse()
    return chain


def industry_label(code: str) -> str:
    """The industry's name ("稻谷种植"), or the code itself if unknown."""
    industry = get_industry(code)
    return industry.name if industry is not None else code


def industry_names(*, limit: int = 5000) -> list[str]:
    """Distinct names of the current edition's industries ("稻谷种植" …), at most ``limit``:
    words for the search tokeniser's domain dictionary."""
    rows = Industry.objects.filter(edition=INDUSTRY_EDITION).order_by()
    return list(rows.values_list("name", flat=True).distinct()[:limit])


def industries(*, parent: str = "") -> QuerySet[Industry]:
    """Sections (no ``parent``) or the industries directly under ``parent``, by code."""
    qs = Industry.objects.filter(edition=INDUSTRY_EDITION)
    if parent:
        found = get_industry(parent)
        if found is None:
            return Industry.objects.none()
        qs = qs.filter(parent_id=found.pk)
    else:
        qs = qs.filter(level=1)
    return qs.order_by("code")


def industry_path(industry: Industry) -> str:
    """The industry's names from its section down, "信息传输、软件和信息技术服务业 / … /
    软件开发"."""
    return " / ".join(i.name for i in industry_chain(industry.code))


def find_industries(text: str) -> list[Industry]:
    """The industries a person means by ``text``: a code ("6513", "c") or an exact name
    ("应用软件开发"). Where a group and its only class share a name (019 / 0190 其他农业),
    the class answers: it says the same, more precisely. More than one answer otherwise
    means the name is ambiguous."""
    text = "".join(str(text or "").split())
    if not text:
        return []
    index = _industry_index(INDUSTRY_EDITION)
    by_code = index.by_code.get(_industry_key(text))
    if by_code is not None:
        return [by_code]
    named = [i for i in index.by_code.values() if i.name == text]
    parents = {i.parent_id for i in named}
    return sorted((i for i in named if i.pk not in parents), key=lambda i: i.code)


def resolve_industry(text: str) -> str:
    """The code of the one industry ``text`` names (see :func:`find_industries`); "" for
    an empty text. ValidationError naming the value when none or several are called so."""
    text = str(text or "").strip()
    if not text:
        return ""
    found = find_industries(text)
    if len(found) == 1:
        return found[0].code
    if not found:
        raise ValidationError(
            _(
                "No industry is called “%(value)s”. Write its name as in GB/T 4754, such as "
                "软件开发, or its code, such as 6513 or C."
            )
            % {"value": text}
        )
    named = "、".join(f"{i.name}（{i.code}）" for i in found[:6])
    raise ValidationError(
        _("“%(value)s” names several industries: %(choices)s. Write the code.")
        % {"value": text, "choices": named}
    )


def search_industries(text: str, *, parent: str = "") -> QuerySet[Industry]:
    """The industries a picker offers for ``text`` (name, pinyin initials, full pinyin or
    code prefix, best first), under ``parent`` if given; no text: the sections or
    ``parent``'s children."""
    text = text.strip()
    if parent or not text:
        qs = industries(parent=parent)
    else:
        qs = Industry.objects.filter(edition=INDUSTRY_EDITION)
    if not text:
        return qs
    return _ranked(qs, text, [i.code for i in find_industries(text)])


# --- Countries (ISO 3166-1) ---------------------------------------------------------------


def get_country(code: str) -> Country | None:
    """The country for an alpha-2 ("CN"), alpha-3 ("CHN") or numeric ("156") code, in any
    letter case; numeric codes that lost their leading zeros ("4") are accepted."""
    key = code.strip().upper()
    if key.isdigit():
        key = key.zfill(3)
    return _country_index(COUNTRY_EDITION).get(key)


def countries() -> QuerySet[Country]:
    """Every country and territory of the current edition, by numeric code."""
    return Country.objects.filter(edition=COUNTRY_EDITION).order_by("numeric")


# --- Small lists --------------------------------------------------------------------------


def entries(list_name: str) -> QuerySet[CodeListEntry]:
    """Entries of one small list (e.g. "tech_field") in display order; empty if unknown."""
    spec = CODE_LISTS.get(list_name)
    edition = spec.edition if spec is not None else LISTS_EDITION
    return CodeListEntry.objects.filter(list_name=list_name, edition=edition).order_by(
        "sort_order", "code"
    )


# --- Holiday calendar (国务院 节假日安排) ----------------------------------------------------


@lru_cache(maxsize=4)
def _work_calendar(edition: str) -> WorkCalendar:
    rows = WorkCalendarYear.objects.filter(edition=edition)
    years = frozenset(rows.values_list("year", flat=True))
    if not years:
        raise LookupError(
            f"the holiday calendar {edition!r} is not loaded: run `techbridge load-codes`"
        )
    days = WorkCalendarDay.objects.filter(edition=edition).values_list("date", "kind")
    holidays_: set[date] = set()
    workdays: set[date] = set()
    for day, kind in days:
        (workdays if kind == CalendarDayKind.WORKDAY else holidays_).add(day)
    return WorkCalendar(edition, frozenset(holidays_), frozenset(workdays), years)


def holiday_calendar_edition() -> str:
    """The edition ``work_calendar`` reads by default: that of the installed
    chinese-calendar package, which is what ``load_codes`` loads."""
    return holidays.installed_edition()


def work_calendar(*, edition: str | None = None) -> WorkCalendar:
    """The official working-day calendar of ``edition`` (default: the installed package's)
    for ``codes.workcalendar``'s clocks, read once per process. Store ``.edition`` with a
    deadline to re-time it later with the same calendar. Raises LookupError if the
    edition is not loaded."""
    return _work_calendar(edition or holiday_calendar_edition())
