"""Registration numbers (技术合同登记号).

Format, 19 digits: ``YYYY`` year of registration + ``RRRRRR`` GB/T 2260 code of the
registering office's region + ``OO`` office code within that region + ``NNNNNNN`` sequence
per (year, office), starting at 1. Example: 2026 520100 01 0000123 →
``2026520100010000123``.

The sequence is the kernel's gapless counter (``core.sequences``) of the scope
``contracts.registration:<year>:<office>``, taken inside the registration's own
transaction: if the registration fails, the number is not used up; two registrars never
get the same number.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings

from techbridge.core import sequences

NUMBER_RE = re.compile(r"^(\d{4})(\d{6})(\d{2})(\d{7})$")
DEFAULT_OFFICE_REGION = "520100"


def office_for(registrar: Any) -> str:
    """The 8-digit office key of a registrar: their organisation's region code (the
    default office region if unknown) + the office code from settings (default 01)."""
    org = getattr(registrar, "organisation", None)
    region = (getattr(org, "region_code", "") or "").strip()
    if len(region) != 6 or not region.isdigit():
        region = getattr(settings, "CONTRACT_OFFICE_REGION", DEFAULT_OFFICE_REGION)
    office = str(getattr(settings, "CONTRACT_OFFICE_CODE", "01")).zfill(2)[:2]
    return f"{region}{office}"


def format_number(year: int, office: str, sequence: int) -> str:
    return f"{year:04d}{office}{sequence:07d}"


def parse_number(number: str) -> tuple[int, str, int] | None:
    """(year, office, sequence) of a well-formed number, else None."""
    match = NUMBER_RE.match(number or "")
    if not match:
        return None
    return int(match.group(1)), match.group(2) + match.group(3), int(match.group(4))


def scope(year: int, office: str) -> str:
    """The core.sequences scope of the numbers of (year, office)."""
    return f"contracts.registration:{year:04d}:{office}"


def next_number(*, year: int, office: str) -> str:
    """Take the next number of (year, office). Must run inside the registering
    transaction (an atomic block) so the counter and the contract commit together."""
    return format_number(year, office, sequences.next_number(scope(year, office)))


def advance_counters(numbers: list[str]) -> None:
    """After loading historical numbers, move each counter past the highest imported
    sequence so a later registration never reuses one."""
    highest: dict[tuple[int, str], int] = {}
    for number in numbers:
        parsed = parse_number(number)
        if parsed is None:
            continue
        year, office, sequence = parsed
        key = (year, office)
        highest[key] = max(highest.get(key, 0), sequence)
    for (year, office), sequence in sorted(highest.items()):
        sequences.advance_to(scope(year, office), sequence)
