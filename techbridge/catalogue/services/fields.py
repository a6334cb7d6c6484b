"""Which fields each kind's owners may edit, and how a set of field values is validated.
Forms, the API and the importers all end here, so a rule is written once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from techbridge.catalogue.models import (
    Channel,
    CooperationMode,
    FeeUnit,
    LabLevel,
    LabType,
    RunningStatus,
    SharingMode,
)
from techbridge.codes import selectors as codes
from techbridge.codes.choices import IPType, TechField, TransferMode
from techbridge.core.money import parse_amount

COMMON = (
    "external_id",
    "technical_field",
    "region_code",
    "keywords",
    "contact_name",
    "contact_phone",
    "contact_email",
)

EDITABLE: dict[str, tuple[str, ...]] = {
    "achievement": (
        "title",
        "summary",
        "discipline",
        "trl",
        "ip_type",
        "patent_numbers",
        "transfer_modes",
        "asking_price",
        "price_negotiable",
        *COMMON,
    ),
    "expert": (
        "name",
        "title",
        "disciplines",
        "technical_fields",
        "profile",
        "phone",
        "email",
        "consent_version",
        *COMMON,
    ),
    "instrument": (
        "name",
        "model_number",
        "manufacturer",
        "country_of_origin",
        "original_value",
        "category",
        "address",
        "running_status",
        "sharing_mode",
        "fee_internal",
        "fee_external",
        "fee_unit",
        "description",
        *COMMON,
    ),
    "lab": ("name", "lab_type", "level", "description", *COMMON),
    "data": (
        "title",
        "description",
        "data_format",
        "size",
        "update_frequency",
        "access_terms",
        *COMMON,
    ),
    "service": ("title", "description", "price", "price_note", *COMMON),
    "demand": (
        "title",
        "summary",
        "detail",
        "industry_code",
        "budget_min",
        "budget_max",
        "deadline",
        "expires_on",
        "cooperation_mode",
        "confidential",
        "channel",
        *COMMON,
    ),
}

REQUIRED: dict[str, tuple[str, ...]] = {
    "achievement": ("title",),
    "expert": ("name",),
    "instrument": ("name",),
    "lab": ("name", "lab_type", "level"),
    "data": ("title",),
    "service": ("title",),
    "demand": ("title",),
}

MONEY = {"asking_price", "original_value", "fee_internal", "fee_external", "price", "budget_min"}
MONEY |= {"budget_max"}
LISTS = {"keywords", "patent_numbers", "transfer_modes", "disciplines", "technical_fields"}
CHOICES: dict[str, Any] = {
    "technical_field": TechField,
    "ip_type": IPType,
    "running_status": RunningStatus,
    "sharing_mode": SharingMode,
    "fee_unit": FeeUnit,
    "lab_type": LabType,
    "level": LabLevel,
    "cooperation_mode": CooperationMode,
    "channel": Channel,
}
# Value sets computed once: TextChoices.values builds a new list on every access, and the
# importers validate 10^5 rows.
_VALUES: dict[str, frozenset[str]] = {name: frozenset(c.values) for name, c in CHOICES.items()}
_TRANSFER_MODES = frozenset(TransferMode.values)
_TECH_FIELDS = frozenset(TechField.values)
MAX_LENGTH = {
    "external_id": 64,
    "title": 300,
    "name": 200,
    "discipline": 100,
    "model_number": 100,
    "manufacturer": 200,
    "category": 100,
    "address": 300,
    "data_format": 60,
    "size": 60,
    "update_frequency": 60,
    "price_note": 200,
    "contact_name": 60,
    "contact_phone": 30,
    "phone": 30,
    "consent_version": 20,
}
BLANK_NONE = {"external_id"}


def split_list(value: Any) -> list[str]:
    """A list, or text separated by ；/;/,/、 — trimmed, duplicates removed, order kept."""
    from techbridge.imports.columns import keywords

    if value is None or value == "":
        return []
    return keywords(value)


def clean_fields(kind: str, data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Validate and normalise field values of ``kind`` (only the keys given); raise
    ValidationError({field: [messages]}) naming every bad field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}

    def error(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    for name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        if name in BLANK_NONE and not value:
            value = None
        if name in MAX_LENGTH and isinstance(value, str) and len(value) > MAX_LENGTH[name]:
            error(name, _("At most %(n)d characters.") % {"n": MAX_LENGTH[name]})
            continue
        if name in MONEY:
            if value in (None, ""):
                value = None
            elif not isinstance(value, Decimal) or value <= 0:
                try:
                    value = parse_amount(value)
                except ValidationError as exc:
                    error(name, " ".join(exc.messages))
                    continue
        elif name in LISTS:
            value = split_list(value)
        elif name in CHOICES:
            value = "" if value is None else str(value)
            if value and value not in _VALUES[name]:
                error(name, _("Unknown value %(v)s.") % {"v": value})
                continue
        cleaned[name] = value
    if creating:
        for name in REQUIRED[kind]:
            if not cleaned.get(name):
                error(name, _("This field is required."))
    else:
        for name in REQUIRED[kind]:
            if name in cleaned and not cleaned[name]:
                error(name, _("This field is required."))
    _check_codes(kind, cleaned, error)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_codes(kind: str, cleaned: dict[str, Any], error: Any) -> None:
    region = cleaned.get("region_code")
    if region and not codes.is_valid_region(region):
        error("region_code", _("Unknown region code %(code)s (GB/T 2260).") % {"code": region})
    industry = cleaned.get("industry_code")
    if industry and not codes.is_valid_industry(industry):
        error(
            "industry_code",
            _("Unknown industry code %(code)s (GB/T 4754-2017).") % {"code": industry},
        )
    trl = cleaned.get("trl")
    if trl not in (None, ""):
        try:
            trl = int(trl)
        except (TypeError, ValueError):
            trl = 0
        if not 1 <= trl <= 9:
            error("trl", _("Maturity (TRL) must be a whole number from 1 to 9."))
        else:
            cleaned["trl"] = trl
    elif "trl" in cleaned:
        cleaned["trl"] = None
    for name in ("transfer_modes",):
        bad = [m for m in cleaned.get(name, []) if m not in _TRANSFER_MODES]
        if bad:
            error(name, _("Unknown transfer mode(s): %(v)s") % {"v": ", ".join(bad)})
    bad = [f for f in cleaned.get("technical_fields", []) if f not in _TECH_FIELDS]
    if bad:
        error("technical_fields", _("Unknown technical field(s): %(v)s") % {"v": ", ".join(bad)})
    country = cleaned.get("country_of_origin")
    if country:
        found = codes.get_country(country)
        if found is None:
            error("country_of_origin", _("Unknown country code %(c)s.") % {"c": country})
        else:
            cleaned["country_of_origin"] = found.alpha2
    for name in ("contact_email", "email"):
        if cleaned.get(name):
            try:
                validate_email(cleaned[name])
            except ValidationError:
                error(name, _("Enter a valid e-mail address."))
    low, high = cleaned.get("budget_min"), cleaned.get("budget_max")
    if low is not None and high is not None and low > high:
        error("budget_max", _("The upper budget must not be below the lower one."))
    for name in ("deadline", "expires_on"):
        value = cleaned.get(name)
        if value == "":
            cleaned[name] = None
        elif value is not None and not isinstance(value, date):
            from techbridge.imports.columns import iso_date

            try:
                cleaned[name] = iso_date(value)
            except ValidationError as exc:
                error(name, " ".join(exc.messages))
    if "confidential" in cleaned:
        cleaned["confidential"] = bool(cleaned["confidential"])
    if "price_negotiable" in cleaned:
        cleaned["price_negotiable"] = bool(cleaned["price_negotiable"])
