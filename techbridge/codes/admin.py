"""Admin pages to look code lists up. Read-only: the tables change only by ``load_codes``,
which keeps every edition reproducible."""

from django.contrib import admin

from techbridge.codes.models import (
    CodeListEntry,
    Country,
    Industry,
    Region,
    WorkCalendarDay,
    WorkCalendarYear,
)
from techbridge.core.admin import RoleAdminMixin


@admin.register(Region)
class RegionAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "revoked", "edition")
    list_filter = ("level", "revoked", "edition")
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    ordering = ("code", "name")
    # A raw id instead of a 6,000-entry drop-down on the (read-only) detail page.
    raw_id_fields = ("parent",)


@admin.register(Industry)
class IndustryAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "edition")
    list_filter = ("level", "edition")
    search_fields = ("code", "name", "definition")
    list_select_related = ("parent",)
    ordering = ("code",)
    raw_id_fields = ("parent",)


@admin.register(Country)
class CountryAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("alpha2", "alpha3", "numeric", "name_zh", "name_en", "sovereign", "edition")
    list_filter = ("independent", "edition")
    search_fields = ("alpha2", "alpha3", "numeric", "name_zh", "name_en")
    ordering = ("alpha2",)


@admin.register(CodeListEntry)
class CodeListEntryAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("list_name", "code", "label_zh", "label_en", "sort_order", "edition")
    list_filter = ("list_name", "edition")
    search_fields = ("code", "label_zh", "label_en")
    ordering = ("list_name", "sort_order")


@admin.register(WorkCalendarYear)
class WorkCalendarYearAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("year", "source", "edition")
    list_filter = ("edition",)
    ordering = ("-year",)


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("date", "kind", "name_zh", "edition")
    list_filter = ("kind", "edition")
    search_fields = ("name_zh", "name_en")
    date_hierarchy = "date"
    ordering = ("-date",)
