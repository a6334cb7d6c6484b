"""Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, the last a
check character computed modulo 31 over the first 17."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The standard's alphabet: digits and upper-case letters without I, O, S, V, Z.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """The 18th character for the given first 17 (which must be in the alphabet)."""
    total = sum(_VALUE[ch] * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def clean_uscc(value: str) -> str:
    """Upper-case, trim and validate; return the code or raise ValidationError with a
    message that names what is wrong (length, character, or the check digit)."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(
            _("Unified social credit code must have 18 characters, got %(n)d.") % {"n": len(code)},
            code="uscc_length",
        )
    for position, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            raise ValidationError(
                _(
                    "Unified social credit code: character %(ch)s at position %(pos)d is not "
                    "allowed (digits and capital letters except I, O, S, V, Z)."
                )
                % {"ch": ch, "pos": position},
                code="uscc_character",
            )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "Unified social credit code: wrong check digit — the 18th character is %(got)s "
                "but should be %(expected)s. Please check the code for typing errors."
            )
            % {"got": code[17], "expected": expected},
            code="uscc_check_digit",
        )
    return code
