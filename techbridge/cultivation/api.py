"""Cultivation API: an enterprise's tier records, and a self-check of figures sent in the
body (nothing is saved) answered with every tier's criteria."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from techbridge.accounts.access import get_visible_or_404
from techbridge.core.api import MAX_ID, StrictBooleanField
from techbridge.core.api_money import AmountInputField
from techbridge.core.money import from_fen, parse_amount
from techbridge.cultivation import labels, selectors, selfcheck
from techbridge.cultivation import thresholds as t
from techbridge.cultivation.fields import COUNT_FIELDS, FLAG_FIELDS, MONEY_FIELDS
from techbridge.cultivation.models import Tier, TierRecord, TierStatus


class TierOutput(serializers.ModelSerializer):
    tier = serializers.ChoiceField(choices=Tier.choices)
    tier_name = serializers.CharField(source="get_tier_display")
    status = serializers.ChoiceField(choices=TierStatus.choices)

    class Meta:
        model = TierRecord
        fields = [
            "id",
            "tier",
            "tier_name",
            "certificate_number",
            "obtained_on",
            "expires_on",
            "status",
        ]


class TierListApi(APIView):
    @extend_schema(responses=TierOutput(many=True))
    def get(self, request: Request, pk: int) -> Response:
        """The tier records of enterprise ``pk`` (its own members and bureau staff)."""
        organisation = get_visible_or_404(
            selectors.enterprises_visible_to(request.user), pk, request.user
        )
        records = selectors.records_visible_to(request.user).filter(organisation=organisation)
        return Response(TierOutput(records, many=True).data)


class SelfCheckInput(serializers.Serializer):
    organisation = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    registered_on = serializers.DateField(required=False, allow_null=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in MONEY_FIELDS:
            self.fields[name] = AmountInputField(required=False, allow_null=True)
        for name in COUNT_FIELDS:
            self.fields[name] = serializers.IntegerField(
                required=False, allow_null=True, min_value=0, max_value=10_000_000
            )
        for name in FLAG_FIELDS:
            self.fields[name] = StrictBooleanField(required=False, default=False)


class SourceOutput(serializers.Serializer):
    title = serializers.CharField()
    number = serializers.CharField()


class CriterionOutput(serializers.Serializer):
    # "label", "required" and "source" are also attributes of a DRF Field; as declared
    # fields they are popped by the serializer's metaclass, so only mypy minds.
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    text = serializers.CharField()
    met = serializers.BooleanField(allow_null=True)
    actual = serializers.CharField(allow_null=True, help_text="yuan for money, else a number")
    required = serializers.CharField()  # type: ignore[assignment]
    unit = serializers.ChoiceField(
        choices=["percent", "yuan", "people", "years", "count", "points"]
    )
    op = serializers.ChoiceField(choices=["ge", "le"])
    gap = serializers.CharField(allow_null=True)
    gap_amount = serializers.CharField(allow_null=True, help_text="yuan that would close the gap")
    gap_people = serializers.IntegerField(allow_null=True)
    band = serializers.CharField(allow_blank=True)
    verified = serializers.BooleanField()
    source = SourceOutput()  # type: ignore[assignment]


class TierCheckOutput(serializers.Serializer):
    tier = serializers.ChoiceField(choices=Tier.choices)
    tier_name = serializers.CharField()
    met = serializers.BooleanField(allow_null=True)
    score = serializers.IntegerField(allow_null=True)
    direct_pass = serializers.ListField(child=serializers.CharField())
    not_assessed = serializers.ListField(child=serializers.CharField())
    criteria = CriterionOutput(many=True)


class SelfCheckOutput(serializers.Serializer):
    edition = serializers.CharField()
    tiers = TierCheckOutput(many=True)


def _number(value: int | Decimal | None, unit: str) -> str | None:
    if value is None:
        return None
    if unit == "fen":
        return format(from_fen(int(value)), "f")
    return str(value)


def _criterion(c: selfcheck.Criterion, tier: str) -> dict[str, Any]:
    source = t.CURRENT.sources[t.CURRENT.thresholds[c.threshold].source]
    return {
        "key": c.key,
        "label": labels.label(c, tier),
        "text": labels.sentence(c),
        "met": c.met,
        "actual": _number(c.actual, c.unit),
        "required": _number(c.required, c.unit),
        "unit": "yuan" if c.unit == "fen" else c.unit,
        "op": c.op,
        "gap": _number(c.gap, c.unit),
        "gap_amount": _number(c.gap_fen, "fen"),
        "gap_people": c.gap_people,
        "band": c.band,
        "verified": c.verified,
        "source": {"title": source.title, "number": source.number},
    }


class SelfCheckApi(APIView):
    @extend_schema(request=SelfCheckInput, responses=SelfCheckOutput)
    def post(self, request: Request) -> Response:
        """Check figures against every tier for an enterprise you belong to (or any, for
        bureau staff); amounts in yuan as strings ("150万", "1,500,000.00"). Nothing is
        saved."""
        data = SelfCheckInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        organisation = get_visible_or_404(
            selectors.enterprises_visible_to(request.user), values.pop("organisation"), request.user
        )
        for name in MONEY_FIELDS:
            if values.get(name) not in (None, ""):
                try:
                    values[name] = parse_amount(values[name], allow_zero=True)
                except ValidationError as exc:
                    raise serializers.ValidationError({name: exc.messages}) from None
            else:
                values[name] = None
        checks = selectors.self_check(organisation, values)
        body = {
            "edition": t.CURRENT.key,
            "tiers": [
                {
                    "tier": c.tier,
                    "tier_name": str(Tier(c.tier).label),
                    "met": c.met,
                    "score": c.score,
                    "direct_pass": list(c.direct_pass),
                    "not_assessed": list(c.not_assessed),
                    "criteria": [_criterion(x, c.tier) for x in c.criteria],
                }
                for c in checks
            ],
        }
        return Response(SelfCheckOutput(body).data)
