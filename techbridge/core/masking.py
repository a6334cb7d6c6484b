"""Masking personal data for display (PIPL): show enough to recognise, not to use."""

from __future__ import annotations

from collections.abc import Callable


def mask_phone(value: str) -> str:
    digits = value.strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_email(value: str) -> str:
    local, at, domain = value.strip().partition("@")
    if not at:
        return "*" * len(local)
    return (local[:1] + "***") + "@" + domain


def mask_name(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    return value[0] + "*" * max(1, len(value) - 1)


def mask_id_number(value: str) -> str:
    value = value.strip()
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


# The one list of personal-data fields and how each is masked, wherever records are shown
# (pages, API, exports): names used by catalogue records, experts and organisations.
PERSONAL_FIELDS: dict[str, Callable[[str], str]] = {
    "contact_name": mask_name,
    "contact_phone": mask_phone,
    "contact_email": mask_email,
    "phone": mask_phone,
    "email": mask_email,
}


def mask_field(name: str, value: str) -> str:
    """``value`` masked as the personal field ``name`` (unchanged if ``name`` is not one)."""
    mask = PERSONAL_FIELDS.get(name)
    return mask(value) if mask is not None and value else value
