"""Standard code lists, each row stamped with the edition it comes from.

Rows are written only by ``services.load_code_lists`` and read through ``selectors``.
Other apps store the *code* (a string), not a foreign key, so that a record keeps meaning
what it meant when it was written even after a newer edition is loaded.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from techbridge.codes.choices import LISTS_EDITION, CalendarDayKind, IndustryLevel, RegionLevel

#: Editions the selectors read. Loading a newer edition means adding its fixture and
#: changing the constant here; rows of older editions stay for old statistics.
REGION_EDITION = "GB/T 2260 (liuinwj snapshot)"
INDUSTRY_EDITION = "GB/T 4754-2017"
COUNTRY_EDITION = "ISO 3166-1"

__all__ = [
    "COUNTRY_EDITION",
    "INDUSTRY_EDITION",
    "LISTS_EDITION",
    "REGION_EDITION",
    "CodeListEntry",
    "Country",
    "Industry",
    "Region",
    "WorkCalendarDay",
    "WorkCalendarYear",
]


class Region(models.Model):
    """A GB/T 2260 administrative division (行政区划). Codes repeat: a code can be reused
    after a division is revoked, so (edition, code, name) is the natural key."""

    edition = models.CharField(_("edition"), max_length=64)
    code = models.CharField(_("code"), max_length=6, db_index=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    revoked = models.BooleanField(_("revoked"), default=False)
    # Type-ahead by letters (ADR 0015): filled from the name when the list is loaded.
    initials = models.CharField(_("pinyin initials"), max_length=100, blank=True, db_index=True)
    pinyin = models.CharField(_("pinyin"), max_length=400, blank=True, db_index=True)
    # Coordinates are approximate map points, not amounts: float is fine here.
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("administrative division")
        verbose_name_plural = _("administrative divisions")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "code", "name"], name="codes_region_edition_code_name"
            ),
            models.CheckConstraint(condition=Q(level__in=[1, 2, 3]), name="codes_region_level"),
        ]
        indexes = [models.Index(fields=["edition", "code"], name="codes_region_ed_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Industry(models.Model):
    """A GB/T 4754 industry: section letter (门类) or 2/3/4-digit division, group, class."""

    edition = models.CharField(_("edition"), max_length=64)
    code = models.CharField(_("code"), max_length=4, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=IndustryLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    definition = models.TextField(_("definition"), blank=True)
    initials = models.CharField(_("pinyin initials"), max_length=100, blank=True, db_index=True)
    pinyin = models.CharField(_("pinyin"), max_length=400, blank=True, db_index=True)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="codes_industry_edition_code"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=4), name="codes_industry_level"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Country(models.Model):
    """An ISO 3166-1 country or territory with its Chinese name."""

    edition = models.CharField(_("edition"), max_length=64)
    alpha2 = models.CharField(_("alpha-2 code"), max_length=2)
    alpha3 = models.CharField(_("alpha-3 code"), max_length=3)
    numeric = models.CharField(_("numeric code"), max_length=3)
    name_en = models.CharField(_("English name"), max_length=100)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    # The alpha-2 of the sovereign state for dependent territories (HK, MO, TW → CN);
    # statistics need it to tell domestic (境内) from foreign parties.
    sovereign = models.CharField(_("sovereign state"), max_length=2, blank=True)
    independent = models.BooleanField(_("independent"), default=True)

    class Meta:
        verbose_name = _("country or territory")
        verbose_name_plural = _("countries and territories")
        constraints = [
            models.UniqueConstraint(fields=["edition", "alpha2"], name="codes_country_ed_alpha2"),
            models.UniqueConstraint(fields=["edition", "alpha3"], name="codes_country_ed_alpha3"),
            models.UniqueConstraint(fields=["edition", "numeric"], name="codes_country_ed_numeric"),
        ]

    def __str__(self) -> str:
        return f"{self.alpha2} {self.name_zh}"


class CodeListEntry(models.Model):
    """One entry of a small fixed list (``choices.CODE_LISTS``), e.g. a technical field."""

    list_name = models.CharField(_("code list"), max_length=40)
    code = models.CharField(_("code"), max_length=40)
    label_zh = models.CharField(_("Chinese name"), max_length=100)
    label_en = models.CharField(_("English name"), max_length=200)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    # Roll-up code within the same list (110 国有企业 → 100 内资企业); blank for top level.
    parent_code = models.CharField(_("parent code"), max_length=40, blank=True)
    edition = models.CharField(_("edition"), max_length=64, default=LISTS_EDITION)

    class Meta:
        verbose_name = _("code list entry")
        verbose_name_plural = _("code list entries")
        constraints = [
            models.UniqueConstraint(
                fields=["list_name", "code", "edition"], name="codes_entry_list_code_edition"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.list_name}:{self.code} {self.label_zh}"


class WorkCalendarYear(models.Model):
    """A year covered by an edition of the official holiday calendar, with its source.

    The days of a covered year that are not listed in ``WorkCalendarDay`` follow the
    weekly rule (Monday–Friday worked); for a year without a row only that rule is known.
    """

    edition = models.CharField(_("edition"), max_length=64)
    year = models.PositiveSmallIntegerField(_("year"))
    # The State Council notice(s) the year's dates come from, by title.
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("holiday calendar year")
        verbose_name_plural = _("holiday calendar years")
        constraints = [
            models.UniqueConstraint(fields=["edition", "year"], name="codes_calyear_ed_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year} ({self.edition})"


class WorkCalendarDay(models.Model):
    """A day the official holiday calendar lists: a day off (放假, weekend days inside a
    holiday period included) or a make-up workday on a weekend (调休上班)."""

    edition = models.CharField(_("edition"), max_length=64)
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=CalendarDayKind.choices)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)

    class Meta:
        verbose_name = _("holiday calendar day")
        verbose_name_plural = _("holiday calendar days")
        constraints = [
            models.UniqueConstraint(fields=["edition", "date"], name="codes_calday_ed_date"),
            models.CheckConstraint(
                condition=Q(kind__in=CalendarDayKind.values), name="codes_calday_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name_zh}"
