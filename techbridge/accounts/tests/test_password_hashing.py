"""Passwords are stored with Argon2id; a PBKDF2 hash from before still verifies and is
re-hashed with Argon2id at that login (ADR 0017). The suite itself hashes with MD5 for
speed, so these tests switch the real list on."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.test import override_settings

from techbridge.accounts.models import User

PASSWORD = "Hash-Check-2026!"


def test_new_passwords_are_argon2id() -> None:
    with override_settings(PASSWORD_HASHERS=settings.SECURE_PASSWORD_HASHERS):
        encoded = make_password(PASSWORD)
        assert identify_hasher(encoded).algorithm == "argon2"
        assert encoded.startswith("argon2$argon2id$")
        assert check_password(PASSWORD, encoded)
        assert not check_password("wrong", encoded)


@pytest.mark.django_db
def test_a_pbkdf2_password_still_verifies_and_is_upgraded_at_login() -> None:
    with override_settings(PASSWORD_HASHERS=settings.SECURE_PASSWORD_HASHERS):
        old = make_password(PASSWORD, hasher="pbkdf2_sha256")
        user = User.objects.create(username="old-hash", password=old)
        assert user.check_password(PASSWORD)
        user.refresh_from_db()
        assert identify_hasher(user.password).algorithm == "argon2"
        assert user.check_password(PASSWORD)
