from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.roles import Role
from techbridge.brokerage.models import Station
from techbridge.codes.selectors import region_label
from techbridge.programmes.models import Programme, ProgrammeKind


def _name(prefix: str) -> str:
    """A region prefix as people write it (贵州省贵阳市), which the service reads back."""
    return (region_label(prefix.ljust(6, "0")) or prefix).replace(" ", "")


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Programme name"), max_length=200)
    short_name = forms.CharField(label=_("Short name"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProgrammeKind.choices)
    home_regions = forms.CharField(
        label=_("Home regions"),
        required=False,
        help_text=_(
            "Where its demands come from, e.g. 贵阳市 or 承德市; several separated by commas."
        ),
    )
    partner_regions = forms.CharField(
        label=_("Partner regions"),
        help_text=_("Where the resources come from, e.g. 北京 or 海淀区."),
    )
    launched_on = forms.DateField(
        label=_("Launched on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    stations = forms.ModelMultipleChoiceField(
        label=_("Stations"), queryset=Station.objects.order_by("name"), required=False
    )
    staff: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Programme staff"), queryset=None, required=False
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["staff"].queryset = (  # type: ignore[attr-defined]
            get_user_model()
            .objects.filter(
                is_active=True,
                role__in=[Role.BUREAU_STAFF, Role.STATION_STAFF, Role.BROKER],
            )
            .order_by("username")
        )

    @staticmethod
    def initial_for(programme: Programme) -> dict[str, Any]:
        regions = list(programme.regions.all())
        return {
            "name": programme.name,
            "short_name": programme.short_name,
            "kind": programme.kind,
            "home_regions": "，".join(_name(r.region_code) for r in regions if r.role == "home"),
            "partner_regions": "，".join(
                _name(r.region_code) for r in regions if r.role == "partner"
            ),
            "launched_on": programme.launched_on,
            "description": programme.description,
            "stations": list(programme.stations.all()),
            "staff": list(programme.staff.all()),
            "active": programme.active,
            "version": programme.version,
        }
