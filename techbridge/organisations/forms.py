from __future__ import annotations

from django import forms

from techbridge.codes.forms import IndustryField, RegionField
from techbridge.core.forms import VersionedForm
from techbridge.organisations.models import Organisation
from techbridge.organisations.services import EDITABLE_FIELDS


class OrganisationForm(VersionedForm):
    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = list(EDITABLE_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"region_code": RegionField, "industry_code": IndustryField}

    def _post_clean(self) -> None:
        # Validation (USCC check digit, codes) lives in the service, which reports per field;
        # the model's own unique checks would only repeat it.
        pass
