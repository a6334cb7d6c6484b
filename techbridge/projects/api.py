"""Ledger API: projects (list, create, read, edit, stage), funds in place, batches, zones,
KPIs and the monthly briefing. Amounts travel as exact decimal strings both ways; the
contact person is masked for those who do not handle the project."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from techbridge.accounts.access import deny
from techbridge.accounts.models import User
from techbridge.codes.choices import TechField
from techbridge.core.api import Pagination, StrictBooleanField, StrictCharField
from techbridge.core.api_money import AmountInputField
from techbridge.core.masking import mask_field
from techbridge.organisations.models import Organisation, OrganisationKind
from techbridge.organisations.selectors import organisations_visible_to
from techbridge.projects import briefing as briefings
from techbridge.projects import kpis, selectors, services
from techbridge.projects.fields import OUTPUT_FIELDS
from techbridge.projects.models import Batch, FundingEntry, Project, ProjectStage, Zone

OBJECT_TYPE = "projects.project"
# Ids are 64-bit; a larger number would overflow the database driver (500), not miss.
MAX_ID = 2**63 - 1
MONTH = r"^(19|20)\d{2}-(0[1-9]|1[0-2])$"


class IdField(serializers.IntegerField):
    """A row id in a body or query string: 1 … 2^63-1. In a query string an empty value
    is refused (DRF would take ``zone=`` as absent), as the schema says."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def get_value(self, dictionary: Any) -> Any:
        value = super().get_value(dictionary)
        if value is serializers.empty and dictionary.get(self.field_name, None) == "":
            return ""
        return value


def _money(value: Any) -> str | None:
    return None if value is None else format(value, "f")


class ProjectOutput(serializers.ModelSerializer):
    total_investment = serializers.SerializerMethodField()
    funds_in_place = serializers.SerializerMethodField()
    planned_funds = serializers.SerializerMethodField()
    batch_name = serializers.CharField(source="batch.name", read_only=True)
    zone_name = serializers.SerializerMethodField()
    contact_name = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()
    contact_email = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [*OUTPUT_FIELDS, "batch_name", "zone_name"]

    def get_total_investment(self, obj: Project) -> str:
        return format(obj.total_investment, "f")

    def get_funds_in_place(self, obj: Project) -> str:
        return format(obj.funds_in_place, "f")

    def get_planned_funds(self, obj: Project) -> str | None:
        return _money(obj.planned_funds)

    def get_zone_name(self, obj: Project) -> str:
        return obj.zone.name if obj.zone_id and obj.zone else ""

    def _contact(self, obj: Project, name: str) -> str:
        value = getattr(obj, name)
        user = self.context.get("user")
        return value if selectors.can_see_contacts(user, obj) else mask_field(name, value)

    def get_contact_name(self, obj: Project) -> str:
        return self._contact(obj, "contact_name")

    def get_contact_phone(self, obj: Project) -> str:
        return self._contact(obj, "contact_phone")

    def get_contact_email(self, obj: Project) -> str:
        return self._contact(obj, "contact_email")


class ProjectInput(serializers.Serializer):
    name = StrictCharField(max_length=200, required=False)
    external_id = StrictCharField(max_length=64, required=False, allow_blank=True)
    batch = IdField(required=False)
    signed_on = serializers.DateField(required=False, allow_null=True)
    investor_organisation = IdField(required=False, allow_null=True)
    investor_name = StrictCharField(max_length=200, required=False, allow_blank=True)
    local_company = IdField(required=False, allow_null=True)
    local_company_name = StrictCharField(max_length=200, required=False, allow_blank=True)
    region_code = serializers.RegexField(r"^\d{6}$", required=False, allow_blank=True)
    zone = IdField(required=False, allow_null=True)
    industry_code = StrictCharField(max_length=5, required=False, allow_blank=True)
    technical_field = serializers.ChoiceField(
        choices=TechField.choices, required=False, allow_blank=True
    )
    is_contract_type = StrictBooleanField(required=False)
    total_investment = AmountInputField(required=False)
    planned_funds = AmountInputField(required=False, allow_null=True)
    planned_funds_due = serializers.DateField(required=False, allow_null=True)
    responsible_department = IdField(required=False, allow_null=True)
    responsible_officer = IdField(required=False, allow_null=True)
    contact_name = StrictCharField(max_length=60, required=False, allow_blank=True)
    contact_phone = StrictCharField(max_length=30, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    description = StrictCharField(max_length=4000, required=False, allow_blank=True)
    started_on = serializers.DateField(required=False, allow_null=True)
    in_production_on = serializers.DateField(required=False, allow_null=True)


class ProjectPatchInput(ProjectInput):
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


def _resolve(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Ids in the body → objects the caller may use; an unknown id names its field."""
    lookups: dict[str, Any] = {
        "batch": Batch.objects.all(),
        "zone": Zone.objects.all(),
        "investor_organisation": organisations_visible_to(request.user),
        "local_company": organisations_visible_to(request.user),
        "responsible_department": Organisation.objects.filter(kind=OrganisationKind.GOVERNMENT),
        "responsible_officer": User.objects.filter(is_active=True),
    }
    for name, qs in lookups.items():
        if data.get(name) is None:
            continue
        found = qs.filter(pk=data[name]).first()
        if found is None:
            raise serializers.ValidationError({name: ["Unknown id."]})
        data[name] = found
    return data


class ProjectQuery(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    batch = IdField(required=False)
    zone = IdField(required=False)
    stage = serializers.ChoiceField(choices=ProjectStage.choices, required=False, allow_blank=True)


def _visible(request: Request, code: str) -> Project:
    project = selectors.get_by_code(request.user, code)
    if project is None:
        if Project.objects.filter(code=code).exists():
            deny(request.user, object_type=OBJECT_TYPE, object_id=code)
        raise Http404
    return project


def _out(request: Request, project: Project) -> dict[str, Any]:
    return dict(ProjectOutput(project, context={"user": request.user}).data)


class ProjectListApi(APIView):
    pagination_class = Pagination

    @extend_schema(parameters=[ProjectQuery], responses=ProjectOutput(many=True))
    def get(self, request: Request) -> Response:
        params = ProjectQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        args = params.validated_data
        qs = selectors.project_list(
            user=request.user,
            q=args.get("q", ""),
            batch=args.get("batch"),
            zone=args.get("zone"),
            stage=args.get("stage", ""),
        ).prefetch_related("deals", "contracts")
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        data = ProjectOutput(page, many=True, context={"user": request.user}).data
        return paginator.get_paginated_response(data)

    @extend_schema(request=ProjectInput, responses={201: ProjectOutput})
    def post(self, request: Request) -> Response:
        if not selectors.can_create(request.user):
            self.permission_denied(request, message="Bureau staff and department handlers only.")
        body = ProjectInput(data=request.data)
        body.is_valid(raise_exception=True)
        project = services.project_create(
            actor=request.user, **_resolve(request, dict(body.validated_data))
        )
        return Response(_out(request, project), status=status.HTTP_201_CREATED)


class ProjectDetailApi(APIView):
    @extend_schema(responses=ProjectOutput)
    def get(self, request: Request, code: str) -> Response:
        return Response(_out(request, _visible(request, code)))

    @extend_schema(request=ProjectPatchInput, responses=ProjectOutput)
    def patch(self, request: Request, code: str) -> Response:
        project = _visible(request, code)
        if not selectors.can_edit(request.user, project):
            deny(request.user, object_type=OBJECT_TYPE, object_id=code, reason="edit")
        body = ProjectPatchInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = _resolve(request, dict(body.validated_data))
        version = data.pop("version")
        project = services.project_update(
            actor=request.user, project=project, expected_version=version, **data
        )
        return Response(_out(request, project))


class StageInput(serializers.Serializer):
    stage = serializers.ChoiceField(choices=ProjectStage.choices)
    on = serializers.DateField(required=False, allow_null=True)
    reason = StrictCharField(max_length=2000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class ProjectStageApi(APIView):
    @extend_schema(request=StageInput, responses=ProjectOutput)
    def post(self, request: Request, code: str) -> Response:
        project = _visible(request, code)
        if not selectors.can_edit(request.user, project):
            deny(request.user, object_type=OBJECT_TYPE, object_id=code, reason="stage")
        body = StageInput(data=request.data)
        body.is_valid(raise_exception=True)
        args = body.validated_data
        project = services.project_set_stage(
            actor=request.user,
            project=project,
            stage=args["stage"],
            on=args.get("on"),
            reason=args.get("reason", ""),
            expected_version=args.get("version"),
        )
        return Response(_out(request, project))


class FundingOutput(serializers.ModelSerializer):
    amount = serializers.SerializerMethodField()

    class Meta:
        model = FundingEntry
        fields = ["id", "amount", "entry_date", "note", "is_correction", "corrects", "created_at"]

    def get_amount(self, obj: FundingEntry) -> str:
        return format(obj.amount, "f")


class FundingInput(serializers.Serializer):
    amount = AmountInputField()
    entry_date = serializers.DateField()
    note = StrictCharField(max_length=300, required=False, allow_blank=True)


class ProjectFundingApi(APIView):
    pagination_class = Pagination

    @extend_schema(responses=FundingOutput(many=True))
    def get(self, request: Request, code: str) -> Response:
        project = _visible(request, code)
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.funding_history(project), request, view=self)
        return paginator.get_paginated_response(FundingOutput(page, many=True).data)

    @extend_schema(request=FundingInput, responses={201: FundingOutput})
    def post(self, request: Request, code: str) -> Response:
        project = _visible(request, code)
        if not selectors.can_edit(request.user, project):
            deny(request.user, object_type=OBJECT_TYPE, object_id=code, reason="funding")
        body = FundingInput(data=request.data)
        body.is_valid(raise_exception=True)
        entry = services.funding_record(actor=request.user, project=project, **body.validated_data)
        return Response(FundingOutput(entry).data, status=status.HTTP_201_CREATED)


class BatchOutput(serializers.ModelSerializer):
    class Meta:
        model = Batch
        fields = ["id", "name", "signed_on", "source_event"]


class BatchInput(serializers.Serializer):
    name = StrictCharField(max_length=200)
    signed_on = serializers.DateField()
    source_event = StrictCharField(max_length=300, required=False, allow_blank=True)


class BatchListApi(APIView):
    pagination_class = Pagination

    @extend_schema(responses=BatchOutput(many=True))
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.batches(), request, view=self)
        return paginator.get_paginated_response(BatchOutput(page, many=True).data)

    @extend_schema(request=BatchInput, responses={201: BatchOutput})
    def post(self, request: Request) -> Response:
        if not selectors.is_ledger_keeper(request.user):
            self.permission_denied(request, message="Only bureau staff keep signing batches.")
        body = BatchInput(data=request.data)
        body.is_valid(raise_exception=True)
        batch = services.batch_create(actor=request.user, **body.validated_data)
        return Response(BatchOutput(batch).data, status=status.HTTP_201_CREATED)


class ZoneOutput(serializers.ModelSerializer):
    class Meta:
        model = Zone
        fields = ["id", "name", "region_code"]


class ZoneListApi(APIView):
    pagination_class = Pagination

    @extend_schema(responses=ZoneOutput(many=True))
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.zones(), request, view=self)
        return paginator.get_paginated_response(ZoneOutput(page, many=True).data)


class KpiQuery(serializers.Serializer):
    batch = IdField(required=False)
    zone = IdField(required=False)
    signed_from = serializers.DateField(required=False)
    signed_to = serializers.DateField(required=False)
    as_of = serializers.DateField(
        required=False, help_text="a past day: counts by stage dates, funds by dated entries"
    )
    group_by = serializers.ChoiceField(
        choices=[("batch", "batch"), ("zone", "zone"), ("stage", "stage")],
        required=False,
        allow_blank=True,
    )


class KpiOutput(serializers.Serializer):
    key = serializers.JSONField(allow_null=True, help_text="batch or zone id, or the stage")
    name = serializers.CharField(help_text="the batch's or zone's name, or the stage's label")
    signed = serializers.IntegerField()
    started = serializers.IntegerField()
    start_rate = serializers.CharField(allow_null=True, help_text="per cent, 2 decimals")
    in_production = serializers.IntegerField()
    stalled = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    contract_type = serializers.IntegerField()
    contract_type_investment = serializers.CharField()
    total_investment = serializers.CharField(help_text="yuan, exact")
    funds_in_place = serializers.CharField(help_text="yuan, exact")
    funds_share = serializers.CharField(allow_null=True, help_text="per cent, 2 decimals")


class KpiTableOutput(serializers.Serializer):
    group_by = serializers.CharField()
    as_of = serializers.DateField(allow_null=True)
    total = KpiOutput()
    rows = KpiOutput(many=True)


class KpiApi(APIView):
    @extend_schema(parameters=[KpiQuery], responses=KpiTableOutput)
    def get(self, request: Request) -> Response:
        if not selectors.sees_ledger(request.user):
            self.permission_denied(request, message="Bureau staff and department handlers only.")
        params = KpiQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        args = dict(params.validated_data)
        group_by = args.pop("group_by", "")
        as_of = args.pop("as_of", None)
        projects = kpis.scope(selectors.managed_projects(request.user), **args)
        table = kpis.ledger_kpis(projects, group_by=group_by, as_of=as_of)
        return Response(
            {
                "group_by": table.group_by,
                "as_of": table.as_of,
                "total": table.total.as_dict(),
                "rows": [r.as_dict() for r in table.rows],
            }
        )


class BriefingQuery(serializers.Serializer):
    month = serializers.RegexField(MONTH, required=False)
    batch = IdField(required=False)
    zone = IdField(required=False)


class BriefingOutput(serializers.Serializer):
    month = serializers.CharField()
    as_of = serializers.DateField()
    total = KpiOutput()
    batches = KpiOutput(many=True)
    sentences = serializers.ListField(child=serializers.CharField())
    activity = serializers.DictField()
    not_started = serializers.IntegerField()
    behind_plan = serializers.IntegerField()


class BriefingApi(APIView):
    @extend_schema(parameters=[BriefingQuery], responses=BriefingOutput)
    def get(self, request: Request) -> Response:
        if not selectors.sees_ledger(request.user):
            self.permission_denied(request, message="Bureau staff and department handlers only.")
        params = BriefingQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        args = params.validated_data
        month = args.get("month")
        start = dt.date(int(month[:4]), int(month[5:]), 1) if month else timezone.localdate()
        projects = kpis.scope(
            selectors.managed_projects(request.user), batch=args.get("batch"), zone=args.get("zone")
        )
        report = briefings.monthly_briefing(projects, month=start)
        return Response(briefings.as_dict(report))
