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


MEMBER_MIN_STRENGTH = 2  # zxcvbn score: about 10^6 guesses and more
STAFF_MIN_STRENGTH = 3  # about 10^8 guesses and more


class StrengthValidator:
    """Refuses passwords that are easy to guess although they pass the class rules —
    "Passw0rd!" (a common word with substitutions), "qwertyuiop1A" (a keyboard row),
    "ent2ent2Ent2" for user ent2 (the user name repeated) — by estimating the guesses with
    zxcvbn, which knows dictionaries, keyboard patterns, repeats, sequences and dates, and
    is given the person's own names so it counts them as known words."""

    def validate(self, password: str, user: Any = None) -> None:
        from zxcvbn import zxcvbn

        staff = getattr(user, "role", None) in STAFF_ROLES
        minimum = STAFF_MIN_STRENGTH if staff else MEMBER_MIN_STRENGTH
        hints = [
            str(value)
            for value in (
                getattr(user, "username", ""),
                getattr(user, "display_name", ""),
                (getattr(user, "email", "") or "").split("@")[0],
                "techbridge",
            )
            if value
        ]
        # zxcvbn's cost grows with the length; beyond 100 characters a password is strong.
        result = zxcvbn(password[:100], user_inputs=hints)
        if result["score"] < minimum:
            raise ValidationError(
                _(
                    "The password is too easy to guess (a common word, a keyboard pattern, a "
                    "repetition or your own name). Use a longer phrase of unrelated words."
                ),
                code="password_guessable",
            )

    def get_help_text(self) -> str:
        return _("Not a common word, keyboard pattern, repetition or your own name.")
