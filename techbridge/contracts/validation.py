"""Checking contract fields: one function used by the services, the importer and the API,
so a value is refused with the same message wherever it comes from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.codes import selectors as codes
from techbridge.codes.choices import ContractType, IPType, LegalPersonType, TechField
from techbridge.contracts.models import CHINA
from techbridge.core.money import parse_amount

# Contracts of these types transfer or license a right, so the right must be named.
NEEDS_IP_TYPE = frozenset({ContractType.TRANSFER, ContractType.LICENCE})
# GB/T 2260 codes revoked before this year are suspicious on newer contracts. The code
# data carries no revocation dates, so this is a warning, never a refusal.
REVOKED_WARNING_AFTER = dt.date(2020, 12, 31)

PARTY_FIELDS = ("name", "country", "region", "type")


def clean_country(value: Any) -> str:
    """ISO numeric, alpha-2 or alpha-3 → 3-digit numeric code; empty → China (156)."""
    text = str(value or "").strip()
    if not text:
        return CHINA
    country = codes.get_country(text)
    if country is None:
        raise ValidationError(_("Unknown country code %(code)s (ISO 3166).") % {"code": text})
    return str(country.numeric)


def clean_amount(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return parse_amount(format(value, "f"))
    return parse_amount(value)


def clean_contract(data: dict[str, Any], *, today: dt.date | None = None) -> dict[str, Any]:
    """Validate and normalise contract fields (those present in ``data``; a full set when
    creating). Returns the cleaned values or raises ValidationError({field: [messages]})."""
    errors: dict[str, list[str]] = {}
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if "name" in cleaned and not cleaned["name"]:
        err("name", _("Contract name is required."))
    if "contract_type" in cleaned and cleaned["contract_type"] not in ContractType.values:
        err("contract_type", _("Unknown contract type %(v)s.") % {"v": cleaned["contract_type"]})
    if "technical_field" in cleaned and cleaned["technical_field"] not in TechField.values:
        err(
            "technical_field",
            _("Unknown technical field %(v)s.") % {"v": cleaned["technical_field"]},
        )
    if cleaned.get("ip_type") and cleaned["ip_type"] not in IPType.values:
        err("ip_type", _("Unknown IP type %(v)s.") % {"v": cleaned["ip_type"]})
    for name in ("contract_amount", "technology_amount"):
        if name in cleaned:
            if cleaned[name] in (None, ""):
                err(name, _("Amount is required."))
                continue
            try:
                cleaned[name] = clean_amount(cleaned[name])
            except ValidationError as exc:
                errors.setdefault(name, []).extend(exc.messages)
    for side in ("seller", "buyer"):
        _clean_party(cleaned, side, err)
    today = today or timezone.localdate()
    signed = cleaned.get("signed_on")
    if "signed_on" in cleaned:
        if not isinstance(signed, dt.date):
            err("signed_on", _("Signing date is required."))
            signed = None
        elif signed > today:
            err("signed_on", _("The signing date cannot be in the future."))
        else:
            cleaned["signed_month"] = signed.year * 100 + signed.month
    if errors:
        raise ValidationError(errors)
    return cleaned


def check_whole(values: dict[str, Any]) -> None:
    """Cross-field rules on the complete set of values (after edits are merged)."""
    errors: dict[str, list[str]] = {}
    contract_amount, technology_amount = (
        values.get("contract_amount"),
        values.get("technology_amount"),
    )
    both = contract_amount is not None and technology_amount is not None
    if both and technology_amount > contract_amount:  # type: ignore[operator]
        errors["technology_amount"] = [
            _(
                "The technology transaction amount (%(t)s) cannot exceed the contract "
                "amount (%(c)s)."
            )
            % {"t": technology_amount, "c": contract_amount}
        ]
    if values.get("contract_type") in NEEDS_IP_TYPE and not values.get("ip_type"):
        errors["ip_type"] = [_("Transfer and licence contracts must name the IP type.")]
    start, end = values.get("term_start"), values.get("term_end")
    if start and end and end < start:
        errors["term_end"] = [_("The term cannot end before it starts.")]
    for side in ("seller", "buyer"):
        if not values.get(f"{side}_name") and not values.get(f"{side}_organisation"):
            errors[f"{side}_name"] = [_("Name the party or link its organisation.")]
        if values.get(f"{side}_country", CHINA) == CHINA and not values.get(f"{side}_region"):
            errors[f"{side}_region"] = [_("A party in China needs its region code (GB/T 2260).")]
    if errors:
        raise ValidationError(errors)


def _clean_party(cleaned: dict[str, Any], side: str, err: Any) -> None:
    country_key, region_key, type_key = f"{side}_country", f"{side}_region", f"{side}_type"
    if country_key in cleaned:
        try:
            cleaned[country_key] = clean_country(cleaned[country_key])
        except ValidationError as exc:
            err(country_key, " ".join(exc.messages))
    region = cleaned.get(region_key)
    if region:
        region = str(region).strip().removesuffix(".0")
        cleaned[region_key] = region
        if not codes.is_valid_region(region):
            err(region_key, _("Unknown region code %(code)s (GB/T 2260).") % {"code": region})
    elif region_key in cleaned:
        cleaned[region_key] = ""
    legal = cleaned.get(type_key)
    if legal:
        legal = str(legal).strip().removesuffix(".0").zfill(3)
        cleaned[type_key] = legal
        if legal not in LegalPersonType.values:
            err(type_key, _("Unknown legal-person type code %(code)s.") % {"code": legal})


def region_warnings(values: dict[str, Any]) -> list[str]:
    """Problems worth a registrar's look but not a refusal: a revoked region code on a
    contract signed after 2020 (the code data has no revocation dates)."""
    warnings = []
    signed = values.get("signed_on")
    for side, label in (("seller", _("seller")), ("buyer", _("buyer"))):
        code = values.get(f"{side}_region")
        if (
            code
            and signed
            and signed > REVOKED_WARNING_AFTER
            and codes.is_valid_region(code)
            and not codes.is_valid_region(code, allow_revoked=False)
        ):
            warnings.append(
                _("The %(side)s region %(code)s is a revoked GB/T 2260 code.")
                % {"side": label, "code": code}
            )
    return warnings
