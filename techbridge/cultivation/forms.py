"""Forms of the cultivation pages: the yearly figures, recording, revoking and attaching."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from techbridge.core.forms import AmountFormField, VersionedForm
from techbridge.cultivation.fields import FIGURES_FIELDS, MONEY_FIELDS, TIER_FIELDS
from techbridge.cultivation.models import EnterpriseFigures, TierRecord

DATE = forms.DateInput(attrs={"type": "date"})


class FiguresForm(VersionedForm):
    class Meta:
        model = EnterpriseFigures
        fields = FIGURES_FIELDS
        widgets = {"registered_on": DATE}
        help_texts = {
            "ip_class_1": _(
                "Invention patents, plant varieties, IC layout designs, new drugs, national "
                "first-grade protected TCM varieties…"
            ),
            "ip_class_2": _("Utility models, designs, software copyrights…"),
            "st_staff": _("People in R&D and related technical innovation, incl. part-time."),
            "total_cost": _("Used by the technology-based SME score as the second R&D measure."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in MONEY_FIELDS:
            old = self.fields[name]
            self.fields[name] = AmountFormField(
                allow_zero=True,
                required=False,
                label=old.label,
                help_text=old.help_text or _("e.g. 150万, 1,500,000 or 2000万元"),
            )


class TierRecordForm(forms.ModelForm):
    attachments = forms.FileField(
        label=_("Evidence file (certificate, published list)"), required=False
    )

    class Meta:
        model = TierRecord
        fields = TIER_FIELDS
        widgets = {"obtained_on": DATE, "expires_on": DATE}
        help_texts = {
            "expires_on": _("Leave blank to use the tier's validity."),
        }


class RevokeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Reason for revoking"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AttachForm(forms.Form):
    file = forms.FileField(label=_("Evidence file"))


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
