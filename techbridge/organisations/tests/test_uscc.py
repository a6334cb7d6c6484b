import pytest
from django.core.exceptions import ValidationError

from techbridge.organisations.uscc import check_character, clean_uscc


def test_valid_code_is_accepted_and_normalised() -> None:
    assert clean_uscc(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert clean_uscc("91110108551385082Q") == "91110108551385082Q"


def test_wrong_check_digit_is_refused_naming_the_check_digit() -> None:
    with pytest.raises(ValidationError) as info:
        clean_uscc("91350100M000100Y44")
    message = info.value.messages[0]
    assert "check digit" in message
    assert "should be 3" in message
    assert info.value.code == "uscc_check_digit"


@pytest.mark.parametrize("bad", ["9135010", "91350100M000100Y4O", "91350100M00010IY43"])
def test_malformed_codes_are_refused(bad: str) -> None:
    with pytest.raises(ValidationError):
        clean_uscc(bad)


def test_check_character_matches_published_examples() -> None:
    assert check_character("91350100M000100Y4") == "3"
    assert check_character("91110108551385082") == "Q"
