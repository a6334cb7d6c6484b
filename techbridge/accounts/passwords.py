"""Password rules from RELIABILITY.md: what 等保 2.0 requires and ASVS allows.

Members: at least 8 characters from 3 of the 4 classes (lower-case, upper-case, digits,
other — any non-ASCII letter such as a Chinese character counts as "other"). Staff: at
least 12. Unicode and long passwords are welcome; common and name-like ones are refused
by Django's own validators configured next to these.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from techbridge.accounts.roles import STAFF_ROLES

MEMBER_MIN_LENGTH = 8
STAFF_MIN_LENGTH = 12
MAX_LENGTH = 256


def _classes(password: str) -> int:
    lower = any(c.islower() and c.isascii() for c in password)
    upper = any(c.isupper() and c.isascii() for c in password)
    digit = any(c.isdigit() for c in password)
    other = any(not (c.isascii() and c.isalnum()) for c in password)
    return lower + upper + digit + other


class RoleLengthValidator:
    def validate(self, password: str, user: Any = None) -> None:
        staff = getattr(user, "role", None) in STAFF_ROLES
        minimum = STAFF_MIN_LENGTH if staff else MEMBER_MIN_LENGTH
        if len(password) < minimum:
            raise ValidationError(
                _("The password is too short: it needs at least %(min)d characters.")
                % {"min": minimum},
                code="password_too_short",
            )
        if len(password) > MAX_LENGTH:
            raise ValidationError(
                _("The password is too long: at most %(max)d characters.") % {"max": MAX_LENGTH},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("At least %(member)d characters (%(staff)d for staff accounts).") % {
            "member": MEMBER_MIN_LENGTH,
            "staff": STAFF_MIN_LENGTH,
        }


class CharacterClassValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if _classes(password) < 3:
            raise ValidationError(
                _(
                    "The password must mix at least 3 of: lower-case letters, capital letters, "
                    "digits, other characters (symbols or Chinese characters)."
                ),
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return _(
            "Use at least 3 of: lower-case letters, capital letters, digits, other characters."
        )
