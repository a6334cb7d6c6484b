"""Ledger forms: the project, a stage change, funds in place and their correction, links,
batches and zones, the KPI filters and the import upload."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.models import User
from techbridge.accounts.roles import Role
from techbridge.brokerage.selectors import deals_visible_to
from techbridge.codes.forms import IndustryField, RegionField
from techbridge.contracts.selectors import contracts_visible_to
from techbridge.core.forms import AmountFormField, VersionedForm
from techbridge.organisations.models import Organisation, OrganisationKind
from techbridge.organisations.selectors import organisations_visible_to
from techbridge.projects import selectors
from techbridge.projects.fields import PROJECT_FIELDS
from techbridge.projects.models import TRANSITIONS, Project, ProjectStage
from techbridge.projects.services import resume_stage

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ExactAmountField(AmountFormField):
    """AmountFormField without the MaxLengthValidator CharField adds, which would run on
    the parsed Decimal; parse_amount bounds the text itself."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]


class ProjectForm(VersionedForm):
    total_investment = ExactAmountField(label=_("total investment (yuan)"), allow_zero=True)
    planned_funds = ExactAmountField(
        label=_("planned funds (yuan)"),
        allow_zero=True,
        required=False,
        help_text=_("Funds expected in place by the date below (the plan)."),
    )

    class Meta:
        model = Project
        fields = list(PROJECT_FIELDS)
        widgets = {
            name: DATE
            for name in ("signed_on", "planned_funds_due", "started_on", "in_production_on")
        } | {"description": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"region_code": RegionField, "industry_code": IndustryField}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        visible = organisations_visible_to(user)
        self.fields["investor_organisation"].queryset = visible  # type: ignore[attr-defined]
        self.fields["local_company"].queryset = visible.exclude(  # type: ignore[attr-defined]
            kind=OrganisationKind.GOVERNMENT
        )
        departments = Organisation.objects.filter(kind=OrganisationKind.GOVERNMENT)
        if not selectors.is_ledger_keeper(user):
            departments = departments.filter(pk=getattr(user, "organisation_id", None) or 0)
        self.fields["responsible_department"].queryset = departments  # type: ignore[attr-defined]
        self.fields["responsible_officer"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            is_active=True, role__in=[Role.DEPARTMENT_HANDLER, Role.BUREAU_STAFF]
        ).order_by("username")
        for name in (
            "investor_name",
            "signed_on",
            "region_code",
            "external_id",
            "local_company_name",
        ):
            self.fields[name].required = False
        self.fields["investor_name"].help_text = _("Left empty: the linked organisation's name.")
        self.fields["region_code"].help_text = _(
            "A name (贵阳 花溪) or a GB/T 2260 code; left empty: the zone's or the local "
            "company's region."
        )
        self.fields["signed_on"].help_text = _("Left empty: the batch's signing date.")
        if self.instance.pk is None:
            # A new project is signed; its stage moves on the project's page.
            del self.fields["started_on"]
            del self.fields["in_production_on"]
        else:
            self.fields["started_on"].help_text = _(
                "Correct the date only; the stage changes on the project's page."
            )


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("New stage"))
    on = forms.DateField(label=_("On"), widget=DATE, required=False)
    reason = forms.CharField(
        label=_("Reason (required for stalled and cancelled)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = set(TRANSITIONS[project.stage])
        if project.stage == ProjectStage.STALLED:
            # Resume to the stage the dates say was reached, or cancel.
            allowed = {resume_stage(project), ProjectStage.CANCELLED}
            self.fields["stage"].initial = resume_stage(project)
        self.fields["stage"].choices = [  # type: ignore[attr-defined]
            (s.value, s.label) for s in ProjectStage if s.value in allowed
        ]
        self.fields["on"].initial = timezone.localdate()
        self.fields["version"].initial = project.version


class FundingForm(forms.Form):
    amount = ExactAmountField(label=_("Amount in place (yuan)"))
    entry_date = forms.DateField(label=_("Date in place"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry_date"].initial = timezone.localdate()


class CorrectionForm(forms.Form):
    amount = ExactAmountField(label=_("Correct amount (yuan)"), allow_zero=True)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class LinksForm(forms.Form):
    deals: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Deals"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    contracts: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Technology contracts"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, user: Any, project: Project, everything: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        deals = deals_visible_to(user).order_by("-id")
        contracts = contracts_visible_to(user).order_by("-id")
        if not everything and not self.is_bound:
            # Offered by default: what involves the project's investor or local company,
            # and what is linked already. Bureau staff see every contract of the market
            # (thousands of checkboxes); "show all" and a submitted form take them all.
            orgs = [o for o in (project.investor_organisation_id, project.local_company_id) if o]
            deals = deals.filter(
                Q(enterprise_id__in=orgs) | Q(supplier_id__in=orgs) | Q(projects=project)
            ).distinct()
            contracts = contracts.filter(
                Q(seller_organisation_id__in=orgs)
                | Q(buyer_organisation_id__in=orgs)
                | Q(projects=project)
            ).distinct()
        self.fields["deals"].queryset = deals  # type: ignore[attr-defined]
        self.fields["contracts"].queryset = contracts  # type: ignore[attr-defined]
        # Named as people know them, the number second (not "2026520100010000001" alone).
        self.fields["deals"].label_from_instance = lambda d: d.title  # type: ignore[attr-defined]
        self.fields["contracts"].label_from_instance = (  # type: ignore[attr-defined]
            lambda c: f"{c.name}（{c.registration_number}）" if c.registration_number else c.name
        )


class BatchForm(forms.Form):
    name = forms.CharField(label=_("Batch name"), max_length=200)
    signed_on = forms.DateField(label=_("Signing date"), widget=DATE)
    source_event = forms.CharField(label=_("Source event"), max_length=300, required=False)


class ZoneForm(forms.Form):
    name = forms.CharField(label=_("Zone name"), max_length=100)
    region_code = RegionField(label=_("Region (GB/T 2260)"))


class KpiFilterForm(forms.Form):
    batch: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Batch"), queryset=None, required=False
    )
    zone: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Zone"), queryset=None, required=False
    )
    signed_from = forms.DateField(label=_("Signed from"), widget=DATE, required=False)
    signed_to = forms.DateField(label=_("Signed to"), widget=DATE, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = selectors.batches()  # type: ignore[attr-defined]
        self.fields["batch"].empty_label = _("All batches")  # type: ignore[attr-defined]
        self.fields["zone"].queryset = selectors.zones()  # type: ignore[attr-defined]
        self.fields["zone"].empty_label = _("All zones")  # type: ignore[attr-defined]

    def scope_args(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "batch": data["batch"].pk if data.get("batch") else None,
            "zone": data["zone"].pk if data.get("zone") else None,
            "signed_from": data.get("signed_from"),
            "signed_to": data.get("signed_to"),
        }


class BriefingForm(KpiFilterForm):
    month = forms.RegexField(
        label=_("Month"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A briefing covers a month; the signing period is the KPI page's filter.
        del self.fields["signed_from"]
        del self.fields["signed_to"]

    def month_start(self) -> dt.date:
        value = self.cleaned_data.get("month") if self.is_valid() else ""
        if value:
            year, month = (int(x) for x in value.split("-"))
            return dt.date(year, month, 1)
        return timezone.localdate().replace(day=1)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Ledger file (XLSX or CSV, Chinese headers)"))
