"""Codes shown by their names (issue 14): ``{% load codes %}`` then
``{{ org.region_code|region_name }}`` → 贵州省 贵阳市 花溪区 (English: Huaxi District,
Guiyang City, Guizhou Province),
``{{ c.seller_country|country_name }}`` → 中国 / China,
``{{ org.legal_person_type|code_name:"legal_person_type" }}`` → 事业单位.
The code stays in the tooltip (staff quote it); an unknown code is shown as it is."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from techbridge.codes import selectors
from techbridge.codes.romanise import division_name_en

register = template.Library()


def _chinese() -> bool:
    return (get_language() or "zh").startswith("zh")


def _named(name: str, code: str) -> SafeString:
    if not code:
        return format_html("{}", "—")
    if name == code:
        return format_html('<span class="code">{}</span>', code)
    return format_html('<span title="{}">{}</span>', code, name)


@register.filter
def region_name(code: str | None) -> SafeString:
    """贵州省 贵阳市 花溪区 in Chinese; "Huaxi District, Guiyang City, Guizhou Province"
    in English (romanised names, smallest division first, as English addresses go)."""
    code = (code or "").strip()
    if not code or _chinese():
        return _named(selectors.region_label(code) if code else "", code)
    chain = selectors.region_chain(code)
    name = ", ".join(division_name_en(r.name) for r in reversed(chain)) if chain else code
    return _named(name, code)


@register.filter
def country_name(code: str | None) -> SafeString:
    code = (code or "").strip()
    country = selectors.get_country(code) if code else None
    name = (country.name_zh if _chinese() else country.name_en) if country else code
    return _named(name, code)


@register.filter
def code_name(code: str | None, list_name: str) -> SafeString:
    code = (code or "").strip()
    entry = selectors.entries(list_name).filter(code=code).first() if code else None
    name = (entry.label_zh if _chinese() else entry.label_en) if entry else code
    return _named(name, code)
