"""Region and industry fields of the real forms (issue 14): an ordinary text input that
takes a name, a chain or a code, says which value matches nothing, and brings the picker
script through the form's media."""

from __future__ import annotations

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils import translation

from techbridge.codes.forms import IndustryField, RegionField
from techbridge.codes.widgets import IndustryPicker, RegionPicker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loaded_codes")]


class PlaceForm(forms.Form):
    region = RegionField(label="region")
    industry = IndustryField(label="industry", required=False)


def _clean(**data: str) -> PlaceForm:
    form = PlaceForm(data=data)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("贵阳 花溪", "520111"),
        ("520111", "520111"),
        ("贵州省 贵阳市 花溪区", "520111"),  # what the picker writes into the field
        ("北京", "110000"),
    ],
)
def test_a_region_is_accepted_by_name_chain_or_code(text: str, code: str) -> None:
    form = _clean(region=text)
    assert form.errors == {} and form.cleaned_data["region"] == code


def test_an_unknown_region_is_refused_by_name() -> None:
    with translation.override("zh-hans"):
        form = _clean(region="中关村")
    assert "中关村" in form.errors["region"][0]
    assert "没有" in form.errors["region"][0] or "未找到" in form.errors["region"][0]
    with translation.override("en"):
        form = _clean(region="中关村")
    assert form.errors["region"] == [
        "No region is called “中关村”. Write a name such as 北京, 贵阳市 or 花溪区, "
        "or a six-digit code such as 520100."
    ]


def test_an_ambiguous_region_names_the_candidates() -> None:
    form = _clean(region="朝阳")
    message = form.errors["region"][0]
    assert "110105" in message and "211300" in message


@pytest.mark.parametrize(
    ("text", "code"),
    [("软件开发", "651"), ("651", "651"), ("6513", "6513"), ("应用软件开发", "6513"), ("c", "C")],
)
def test_an_industry_is_accepted_by_name_or_code(text: str, code: str) -> None:
    form = _clean(region="北京", industry=text)
    assert form.errors == {} and form.cleaned_data["industry"] == code


def test_an_unknown_industry_is_refused_by_name() -> None:
    with translation.override("en"):
        form = _clean(region="北京", industry="造火箭")
    assert "造火箭" in form.errors["industry"][0]
    with translation.override("zh-hans"):
        form = _clean(region="北京", industry="造火箭")
    assert "造火箭" in form.errors["industry"][0] and "行业" in form.errors["industry"][0]


def test_the_widget_is_a_text_input_showing_the_name() -> None:
    with translation.override("zh-hans"):
        html = str(PlaceForm(initial={"region": "520111", "industry": "651"}))
    assert 'type="text"' in html and 'name="region"' in html
    assert 'value="贵州省 贵阳市 花溪区"' in html and 'value="软件开发"' in html
    assert 'data-code-picker="region"' in html and 'data-chain="520000 520100 520111"' in html
    assert 'data-api="/api/v1/codes/regions/"' in html
    assert 'maxlength="6"' not in html
    assert "省份" in html  # the cascade's labels travel with the input, translated
    with translation.override("en"):
        assert "Province" in str(PlaceForm())


def test_a_revoked_code_is_shown_and_kept_as_it_is() -> None:
    # 371200 莱芜市 was revoked; an old record keeps its code and may still be saved.
    assert 'value="371200"' in str(PlaceForm(initial={"region": "371200"}))
    assert _clean(region="371200").cleaned_data["region"] == "371200"


def test_the_form_media_brings_the_picker_and_the_field_include_prints_it() -> None:
    media = str(PlaceForm().media)
    assert "codes/picker.js" in media and "defer" in media and "codes/picker.css" in media
    html = render_to_string("core/_form_fields.html", {"form": PlaceForm()})
    assert "codes/picker.js" in html


def test_the_real_forms_use_the_pickers() -> None:
    from techbridge.catalogue.forms import record_form_class
    from techbridge.organisations.forms import OrganisationForm
    from techbridge.projects.forms import ProjectForm, ZoneForm
    from techbridge.sharing.forms.vouchers import ProgrammeForm

    organisation = OrganisationForm()
    assert isinstance(organisation.fields["region_code"].widget, RegionPicker)
    assert isinstance(organisation.fields["industry_code"].widget, IndustryPicker)
    demand = record_form_class("demand")()
    assert isinstance(demand.fields["region_code"].widget, RegionPicker)
    assert isinstance(demand.fields["industry_code"].widget, IndustryPicker)
    assert isinstance(record_form_class("achievement")().fields["region_code"].widget, RegionPicker)
    project = ProjectForm.base_fields
    assert isinstance(project["region_code"].widget, RegionPicker)
    assert isinstance(project["industry_code"].widget, IndustryPicker)
    assert isinstance(ZoneForm().fields["region_code"].widget, RegionPicker)
    regions = ProgrammeForm().fields["eligible_regions"].widget
    assert isinstance(regions, RegionPicker) and regions.multiple
