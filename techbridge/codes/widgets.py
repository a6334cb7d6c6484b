"""Region and industry pickers (issue 14): an ordinary text input that shows names, not
codes, and works without JavaScript; ``codes/picker.js`` adds the cascading selects
(province → city → district, section → division → group → class) and a type-ahead list
by name or pinyin initials, both fed by the public code-list API.

Use them through ``codes.forms.RegionField`` / ``IndustryField``, which turn what was
typed back into a code. Templates print ``{{ form.media }}`` (``core/_form_fields.html``
does) to bring the script and its style sheet.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from techbridge.codes import selectors

__all__ = ["IndustryPicker", "RegionPicker", "industry_text", "region_text"]

#: What separates the regions of a list field ("贵州省, 海淀区").
LIST_SEPARATORS = re.compile(r"[,，、;；\s]+")


def region_text(code: str, *, compact: bool = False) -> str:
    """What a region field shows for ``code``: its full name ("贵州省 贵阳市 花溪区";
    without spaces when ``compact``) if typing that name back gives the same code, else
    the code itself (a revoked division, an unknown code)."""
    region = selectors.get_region(code) if code.isdigit() else None
    if region is None or region.revoked:
        return code
    label = selectors.region_label(code)
    found = selectors.find_regions(label)
    if len(found) != 1 or found[0].code != code:
        return code
    return label.replace(" ", "") if compact else label


def industry_text(code: str) -> str:
    """What an industry field shows for ``code``: its name ("应用软件开发"), or
    "其他农业（019）" where the name alone would mean another industry; unknown: the code."""
    industry = selectors.get_industry(code)
    if industry is None:
        return code
    found = selectors.find_industries(industry.name)
    if len(found) == 1 and found[0].code == industry.code:
        return industry.name
    return f"{industry.name}（{industry.code}）"


class _Picker(forms.TextInput):
    kind = ""
    api_name = ""

    class Media:
        css = {"all": ["codes/picker.css"]}
        js = [forms.Script("codes/picker.js", defer=True)]

    def __init__(self, attrs: dict[str, Any] | None = None, *, multiple: bool = False) -> None:
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.multiple = multiple

    def level_labels(self) -> list[str]:
        raise NotImplementedError

    def chain(self, value: str) -> list[str]:
        """Codes from the top level down to the value's own, for the cascade to preselect."""
        raise NotImplementedError

    def show(self, value: str) -> str:
        raise NotImplementedError

    def format_value(self, value: Any) -> str | None:
        text = str(value or "").strip()
        if not text:
            return None
        if self.multiple:
            return ", ".join(self.show(part) for part in LIST_SEPARATORS.split(text) if part)
        return self.show(text)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        text = str(value or "").strip()
        picker = {
            "data-code-picker": self.kind,
            "data-api": reverse(f"codes-api:{self.api_name}"),
            "data-levels": "|".join(self.level_labels()),
            "data-text-any": pgettext("code picker", "— any —"),
            "data-text-none": _("Nothing matches; try a shorter name or pinyin initials."),
            "data-text-add": _("Add"),
            "data-text-hint": _("Type a name or pinyin initials, e.g. %(example)s")
            % {"example": self.example()},
        }
        if self.multiple:
            picker["data-multiple"] = ""
        elif text:
            picker["data-chain"] = " ".join(self.chain(text))
        return super().get_context(name, value, {**(attrs or {}), **picker})

    def example(self) -> str:
        raise NotImplementedError


class RegionPicker(_Picker):
    """A region (GB/T 2260) by name; ``multiple`` for a comma-separated list of them."""

    kind = "region"
    api_name = "regions"

    def level_labels(self) -> list[str]:
        return [
            pgettext("code picker", "Province"),
            pgettext("code picker", "City"),
            pgettext("code picker", "District or county"),
        ]

    def example(self) -> str:
        return "贵阳 / gy"

    def show(self, value: str) -> str:
        return region_text(value, compact=self.multiple) if value.isdigit() else value

    def chain(self, value: str) -> list[str]:
        region = selectors.get_region(value) if value.isdigit() else None
        found = [region] if region is not None else selectors.find_regions(value)
        if len(found) != 1:
            return []
        return [r.code for r in selectors.region_chain(found[0].code)]


class IndustryPicker(_Picker):
    """An industry (GB/T 4754-2017) by name: section, division, group or class."""

    kind = "industry"
    api_name = "industries"

    def level_labels(self) -> list[str]:
        return [
            pgettext("code picker", "Section"),
            pgettext("code picker", "Division"),
            pgettext("code picker", "Group"),
            pgettext("code picker", "Class"),
        ]

    def example(self) -> str:
        return "软件开发 / rjkf"

    def show(self, value: str) -> str:
        return industry_text(value) if selectors.get_industry(value) is not None else value

    def chain(self, value: str) -> list[str]:
        industry = selectors.get_industry(value)
        found = [industry] if industry is not None else selectors.find_industries(value)
        if len(found) != 1:
            return []
        return [i.code for i in selectors.industry_chain(found[0].code)]
