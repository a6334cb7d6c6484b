"""The official holiday calendar as published in the PyPI package ``chinese-calendar``.

The package carries the State Council's yearly notices (国务院办公厅关于XXXX年部分节假日
安排的通知): the days off (holidays, including the weekend days inside a holiday period)
and the make-up workdays (调休上班). ``load_code_lists`` copies them into the
``WorkCalendarYear`` / ``WorkCalendarDay`` tables under the edition
``"chinese-calendar <version>"``; the platform reads the tables (``selectors.work_calendar``),
so a record can be re-timed with the edition it was timed with after the package moves on.
No models here: the loader and the tests share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import chinese_calendar

from techbridge.codes.choices import CalendarDayKind
from techbridge.codes.workcalendar import WorkCalendar

EDITION_PREFIX = "chinese-calendar "

#: Notices beyond the yearly one that the package's data follows.
_EXTRA_NOTICES = {
    2015: "国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知",
    2020: "国务院办公厅关于延长2020年春节假期的通知",
}


@dataclass(frozen=True)
class CalendarDayRow:
    day: date
    kind: CalendarDayKind
    name_zh: str
    name_en: str


def installed_edition() -> str:
    """The edition name of the installed package, e.g. "chinese-calendar 1.11.0"."""
    return EDITION_PREFIX + chinese_calendar.__version__


def years() -> range:
    """The years the package covers (it refuses dates outside them)."""
    known = chinese_calendar.holidays.keys()
    return range(min(known).year, max(known).year + 1)


def notice(year: int) -> str:
    """The source of a year's dates: the State Council notice(s) by title."""
    titles = [f"国务院办公厅关于{year}年部分节假日安排的通知"]
    if year in _EXTRA_NOTICES:
        titles.append(_EXTRA_NOTICES[year])
    return "；".join(titles)


def _row(day: date, kind: CalendarDayKind, english: str) -> CalendarDayRow:
    return CalendarDayRow(day, kind, chinese_calendar.Holiday(english).chinese, english)


def day_rows() -> list[CalendarDayRow]:
    """Every listed day of the package, by date: days off and make-up workdays."""
    rows = [_row(d, CalendarDayKind.HOLIDAY, n) for d, n in chinese_calendar.holidays.items()]
    rows += [_row(d, CalendarDayKind.WORKDAY, n) for d, n in chinese_calendar.workdays.items()]
    return sorted(rows, key=lambda r: r.day)


def package_calendar() -> WorkCalendar:
    """The package's calendar without the database (tests, tools); the platform reads the
    loaded table through ``selectors.work_calendar`` instead."""
    rows = day_rows()
    return WorkCalendar(
        edition=installed_edition(),
        holidays=frozenset(r.day for r in rows if r.kind == CalendarDayKind.HOLIDAY),
        workdays=frozenset(r.day for r in rows if r.kind == CalendarDayKind.WORKDAY),
        years=frozenset(years()),
    )
