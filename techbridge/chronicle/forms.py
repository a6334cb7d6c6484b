"""Forms of the chronicle pages. Names are edited as one line ("贵阳、北京"), figures one per
line ("签约项目 59 个", "总投资 660亿元"); the services parse and check both."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from techbridge.chronicle.extraction import Figure, figure_text
from techbridge.chronicle.models import ArticleKind, DatePrecision, EntryKind
from techbridge.chronicle.services import BODY_MAX, REPORT_MAX, TITLE_MAX
from techbridge.programmes.models import Programme

DATE = forms.DateInput(attrs={"type": "date"})


def names_line(names: list[str]) -> str:
    return "、".join(names)


def figures_lines(figures: list[Figure]) -> str:
    return "\n".join(figure_text(f) for f in figures)


class EntryForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryKind.choices)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    happened_on = forms.DateField(label=_("Date"), widget=DATE)
    precision = forms.ChoiceField(
        label=_("Date known to the"), choices=DatePrecision.choices, initial=DatePrecision.DAY
    )
    places = forms.CharField(
        label=_("Places"), required=False, max_length=1000, help_text=_("Separate with 、")
    )
    organisations = forms.CharField(
        label=_("Organisations"), required=False, max_length=2000, help_text=_("Separate with 、")
    )
    figures = forms.CharField(
        label=_("Figures"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: label, number, unit — 签约项目 59 个 / 总投资 660亿元"),
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    source_title = forms.CharField(label=_("Source title"), required=False, max_length=200)
    source_url = forms.URLField(
        label=_("Source link"), required=False, max_length=500, assume_scheme="https"
    )
    source_published_on = forms.DateField(
        label=_("Source published on"), required=False, widget=DATE
    )

    @classmethod
    def initial_from(cls, values: dict[str, Any]) -> dict[str, Any]:
        """Entry values (lists, Figure rows) as the form shows them."""
        initial = dict(values)
        initial["places"] = names_line(values.get("places") or [])
        initial["organisations"] = names_line(values.get("organisations") or [])
        initial["figures"] = figures_lines(values.get("figures") or [])
        return initial


class EntryCreateForm(EntryForm):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())

    field_order = ["programme"]

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]


class ArticleForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("The bureau (no programme)"),  # type: ignore[arg-type]
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ArticleKind.choices)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Text"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 12})
    )
    attachment = forms.FileField(
        label=_("Attach a file"),
        required=False,
        help_text=_("PDF, PNG, JPG, DOCX or XLSX, at most 10 MB"),
    )

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    text = forms.CharField(
        label=_("Report text"),
        required=False,
        max_length=REPORT_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Paste the page as copied; share buttons, copyright lines and the like are removed."
        ),
    )
    file = forms.FileField(
        label=_("Or upload a file"), required=False, help_text=_(".txt or .docx")
    )
    title = forms.CharField(label=_("Report title"), required=False, max_length=TITLE_MAX)
    source_url = forms.URLField(
        label=_("Source link"), required=False, max_length=500, assume_scheme="https"
    )
    published_on = forms.DateField(
        label=_("Report date"),
        required=False,
        widget=DATE,
        help_text=_("Completes dates without a year (9月7日); read from the page if left empty."),
    )

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
