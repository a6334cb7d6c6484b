"""Form fields for codes typed as names (issue 14): ``RegionField`` takes "北京",
"贵阳 花溪", "贵州省 贵阳市 花溪区" or "520111" and gives the code; ``IndustryField`` takes
"应用软件开发", "其他农业（019）" or "6513". A value that names nothing, or several, is
refused with a message naming it (``selectors.resolve_region`` / ``resolve_industry``).
Whether the code may be stored (revoked, required) stays the service's decision."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from techbridge.codes import selectors
from techbridge.codes.widgets import IndustryPicker, RegionPicker

__all__ = ["IndustryField", "RegionField"]

# "其他农业（019）": a name with its code, as the form shows a name that alone is ambiguous.
_WITH_CODE = re.compile(r"^.*[（(]\s*([0-9A-Za-z]{1,6})\s*[）)]$")
_LONGEST = 100  # no name is longer; a longer text is cut before it is looked up


class _CodeField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        # The model's max_length is the code's; people type longer names.
        kwargs.pop("max_length", None)
        kwargs.pop("min_length", None)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {}

    def resolve(self, text: str) -> str:
        raise NotImplementedError

    def to_python(self, value: Any) -> str:
        text = str(super().to_python(value) or "").strip()[:_LONGEST]
        if not text:
            return ""
        with_code = _WITH_CODE.match(text)
        return self.resolve(with_code.group(1) if with_code else text)


class RegionField(_CodeField):
    """A GB/T 2260 region typed as a name, a chain of names or a code → its code. Codes
    go through as typed, so a record that keeps a revoked code can still be saved."""

    widget = RegionPicker

    def resolve(self, text: str) -> str:
        return text if text.isdigit() else selectors.resolve_region(text)


class IndustryField(_CodeField):
    """A GB/T 4754-2017 industry typed as its name or code → its code."""

    widget = IndustryPicker

    def resolve(self, text: str) -> str:
        return selectors.resolve_industry(text)
