"""Checking project fields: one set of rules for the services, the importer and the API, so
a value is refused with the same message wherever it comes from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.roles import Role
from techbridge.codes import selectors as codes
from techbridge.codes.choices import TechField
from techbridge.core.money import FEN, parse_amount
from techbridge.organisations.models import Organisation, OrganisationKind
from techbridge.projects.models import REASON_STAGES, Batch, ProjectStage, Zone

_LENGTHS = {
    "name": 200,
    "external_id": 64,
    "investor_name": 200,
    "local_company_name": 200,
    "industry_code": 5,
    "contact_name": 60,
    "contact_phone": 30,
    "contact_email": 254,
}
_DATES = ("signed_on", "planned_funds_due", "started_on", "in_production_on")
_OFFICER_ROLES = frozenset({Role.DEPARTMENT_HANDLER, Role.BUREAU_STAFF})


def clean_money(value: Any, *, field: str) -> Decimal:
    """An exact yuan amount ≥ 0: a Decimal with at most 2 decimals, or text read strictly
    by core.money.parse_amount (forms and the API; the importer reads 万/亿 before)."""
    if isinstance(value, Decimal):
        if value < 0 or value != value.quantize(FEN):
            return parse_amount(format(value, "f"), allow_zero=True)
        return value.quantize(FEN)
    return parse_amount(value, allow_zero=True)


def clean_project(data: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise the fields present in ``data``. Returns cleaned values or
    raises ValidationError({field: [messages]}). Cross-field rules: ``check_whole``."""
    errors: dict[str, list[str]] = {}
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for name, limit in _LENGTHS.items():
        value = cleaned.get(name)
        if isinstance(value, str) and len(value) > limit:
            err(
                name,
                _("Too long: %(n)d characters, at most %(max)d.") % {"n": len(value), "max": limit},
            )
    if "name" in cleaned and not cleaned["name"]:
        err("name", _("Project name is required."))
    if "external_id" in cleaned and not cleaned["external_id"]:
        cleaned["external_id"] = None
    if "batch" in cleaned and not isinstance(cleaned["batch"], Batch):
        err("batch", _("Choose the signing batch."))
    if cleaned.get("zone") is not None and not isinstance(cleaned["zone"], Zone):
        err("zone", _("Unknown zone."))
    for name in _DATES:
        value = cleaned.get(name)
        if value in ("", None):
            if name in cleaned:
                cleaned[name] = None
        elif not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            err(name, _("Not a date (use YYYY-MM-DD): %(v)s") % {"v": value})
    region = cleaned.get("region_code")
    if region:
        region = str(region).removesuffix(".0")
        cleaned["region_code"] = region
        if not codes.is_valid_region(region):
            err("region_code", _("Unknown region code %(code)s (GB/T 2260).") % {"code": region})
    industry = cleaned.get("industry_code")
    if industry:
        industry = str(industry).upper().removesuffix(".0")
        cleaned["industry_code"] = industry
        if not codes.is_valid_industry(industry):
            err(
                "industry_code",
                _("Unknown industry code %(code)s (GB/T 4754-2017).") % {"code": industry},
            )
    field = cleaned.get("technical_field")
    if field and field not in TechField.values:
        err("technical_field", _("Unknown technical field %(v)s.") % {"v": field})
    if "is_contract_type" in cleaned:
        cleaned["is_contract_type"] = bool(cleaned["is_contract_type"])
    for name in ("total_investment", "planned_funds"):
        if name not in cleaned:
            continue
        if cleaned[name] in (None, ""):
            if name == "total_investment":
                err(name, _("Total investment is required."))
            cleaned[name] = None
            continue
        try:
            cleaned[name] = clean_money(cleaned[name], field=name)
        except ValidationError as exc:
            errors.setdefault(name, []).extend(exc.messages)
    for side in ("investor_organisation", "local_company"):
        org = cleaned.get(side)
        if org is not None and not isinstance(org, Organisation):
            err(side, _("Unknown organisation."))
    department = cleaned.get("responsible_department")
    if department is not None and (
        not isinstance(department, Organisation) or department.kind != OrganisationKind.GOVERNMENT
    ):
        err(
            "responsible_department",
            _("The responsible department must be a government department."),
        )
    officer = cleaned.get("responsible_officer")
    if officer is not None and (
        getattr(officer, "role", None) not in _OFFICER_ROLES
        or not getattr(officer, "is_active", False)
    ):
        err(
            "responsible_officer",
            _("The responsible officer must be an active department handler or bureau staff."),
        )
    email = cleaned.get("contact_email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            err("contact_email", _("Not a valid e-mail address: %(v)s") % {"v": email[:60]})
    if "stage" in cleaned and cleaned["stage"] not in ProjectStage.values:
        err("stage", _("Unknown stage %(v)s.") % {"v": cleaned["stage"]})
    if errors:
        raise ValidationError(errors)
    return cleaned


def fill_defaults(values: dict[str, Any]) -> None:
    """Names, region and signing date taken from what is linked, where left empty."""
    investor = values.get("investor_organisation")
    if isinstance(investor, Organisation) and not values.get("investor_name"):
        values["investor_name"] = investor.name
    company = values.get("local_company")
    if isinstance(company, Organisation) and not values.get("local_company_name"):
        values["local_company_name"] = company.name
    if not values.get("region_code"):
        zone = values.get("zone")
        if isinstance(zone, Zone):
            values["region_code"] = zone.region_code
        elif isinstance(company, Organisation) and company.region_code:
            values["region_code"] = company.region_code
    batch = values.get("batch")
    if not values.get("signed_on") and isinstance(batch, Batch):
        values["signed_on"] = batch.signed_on


def check_whole(values: dict[str, Any], *, today: dt.date | None = None) -> None:
    """Cross-field rules on the complete set of values (after edits are merged)."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not values.get("investor_name"):
        errors["investor_name"] = [_("Name the investor or link its organisation.")]
    region = values.get("region_code") or ""
    if not region:
        errors["region_code"] = [_("The project needs its region code (GB/T 2260).")]
    zone = values.get("zone")
    if region and isinstance(zone, Zone) and not _within(region, zone.region_code):
        errors["zone"] = [
            _("The zone %(zone)s lies in region %(zr)s, not in %(r)s.")
            % {"zone": zone.name, "zr": zone.region_code, "r": region}
        ]
    signed = values.get("signed_on")
    started = values.get("started_on")
    production = values.get("in_production_on")
    for name, day in (
        ("signed_on", signed),
        ("started_on", started),
        ("in_production_on", production),
    ):
        if day and day > today:
            errors.setdefault(name, []).append(_("The date cannot be in the future."))
    if signed and started and started < signed:
        errors.setdefault("started_on", []).append(
            _("A project cannot start (%(s)s) before it was signed (%(d)s).")
            % {"s": started, "d": signed}
        )
    if production and (not started or production < started):
        errors.setdefault("in_production_on", []).append(
            _("Production cannot begin before the project started.")
        )
    planned, due = values.get("planned_funds"), values.get("planned_funds_due")
    if (planned is None) != (due is None):
        errors["planned_funds_due"] = [
            _("Give both the planned funds and the date they are due, or neither.")
        ]
    _check_stage(values, errors)
    department = values.get("responsible_department")
    officer = values.get("responsible_officer")
    if (
        officer is not None
        and department is not None
        and getattr(officer, "role", None) == Role.DEPARTMENT_HANDLER
        and officer.organisation_id != getattr(department, "pk", None)
    ):
        errors["responsible_officer"] = [
            _("The responsible officer must work in the responsible department.")
        ]
    if errors:
        raise ValidationError(errors)


def _check_stage(values: dict[str, Any], errors: dict[str, list[str]]) -> None:
    stage = values.get("stage") or ProjectStage.SIGNED
    started, production = values.get("started_on"), values.get("in_production_on")
    if stage == ProjectStage.SIGNED and (started or production):
        errors.setdefault("started_on", []).append(
            _("A project that has only been signed has no start or production date.")
        )
    if stage in (ProjectStage.STARTED, ProjectStage.IN_PRODUCTION) and not started:
        errors.setdefault("started_on", []).append(_("Give the date the project started."))
    if stage == ProjectStage.STARTED and production:
        errors.setdefault("in_production_on", []).append(
            _("A project in production is at the stage 'in production'.")
        )
    if stage == ProjectStage.IN_PRODUCTION and not production:
        errors.setdefault("in_production_on", []).append(_("Give the date production began."))
    if stage in REASON_STAGES and not (values.get("stage_reason") or "").strip():
        errors.setdefault("stage_reason", []).append(
            _("Say why the project is stalled or cancelled.")
        )


def _within(region: str, zone_region: str) -> bool:
    """Whether ``region`` lies in (or contains) the zone's region."""
    try:
        prefix = codes.region_prefix(zone_region)
        own = codes.region_prefix(region)
    except ValueError:
        return False
    return region.startswith(prefix) or zone_region.startswith(own)
