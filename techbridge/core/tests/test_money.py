from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from techbridge.core.money import format_yuan, from_fen, parse_amount, to_fen


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("-1", "greater than zero"),
        ("NaN", "not a valid decimal"),
        ("1e10", "not a valid decimal"),
        ("１２３", "full-width"),
        ("1" * 30, "too large"),
        ("12,345.678", "thousands separators"),
        ("12345.678", "at most 2 decimal"),
        ("0", "greater than zero"),
        ("", "required"),
        ("abc", "not a valid decimal"),
    ],
)
def test_bad_amounts_are_refused_with_a_reason(raw: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_amount(raw)
    assert fragment in " ".join(info.value.messages)


def test_float_is_refused() -> None:
    with pytest.raises(ValidationError):
        parse_amount(0.1)


def test_amount_round_trips_exactly() -> None:
    amount = parse_amount("1234567.89")
    assert amount == Decimal("1234567.89")
    assert to_fen(amount) == 123456789
    assert from_fen(to_fen(amount)) == amount
    assert format_yuan(amount) == "1,234,567.89"


def test_amount_form_field_parses_valid_and_refuses_bad_input() -> None:
    from techbridge.core.forms import AmountFormField

    field = AmountFormField()
    assert field.clean("1234567.89") == Decimal("1234567.89")
    with pytest.raises(ValidationError):
        field.clean("12,345.678")
