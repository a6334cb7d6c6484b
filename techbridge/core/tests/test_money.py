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
        ("１２３ｘ", "number in yuan"),
        ("1" * 30, "too large"),
        ("12,345.678", "at most 2 decimal"),
        ("1,50,000", "group three digits"),
        ("1.500.000", "not a valid decimal"),
        ("1亿5000万", "one unit"),
        ("150.1234567万", "finer than one fen"),
        ("万", "required"),
        ("-150万", "greater than zero"),
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


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,500,000", "1500000.00"),
        ("1500000.00", "1500000.00"),
        ("150万", "1500000.00"),
        ("150万元", "1500000.00"),
        ("1.5亿", "150000000.00"),
        ("4.6566亿元", "465660000.00"),
        ("70.8679亿", "7086790000.00"),
        ("0.01万", "100.00"),
        ("１５０万", "1500000.00"),
        ("１，５００，０００．５０", "1500000.50"),
        ("￥1,500,000", "1500000.00"),
        ("人民币 100 元", "100.00"),
        (" 12.5 ", "12.50"),
    ],
)
def test_amounts_as_people_write_them(raw: str, expected: str) -> None:
    assert parse_amount(raw) == Decimal(expected)


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


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        (Decimal("1e10"), "not a valid decimal"),
        (Decimal("1.5E3"), "not a valid decimal"),
        (Decimal("NaN"), "not a valid decimal"),
        (Decimal("Infinity"), "not a valid decimal"),
        (Decimal("1.234"), "at most 2 decimal"),
        (Decimal("-1"), "greater than zero"),
        (1.5, "floating-point"),
    ],
)
def test_json_number_amounts_are_judged_as_written(number: object, fragment: str) -> None:
    """Issue 9 item 9: a JSON number read as Decimal keeps its exponent, so it is refused
    exactly like the same text in a string."""
    from techbridge.core.money import parse_json_amount

    with pytest.raises(ValidationError) as info:
        parse_json_amount(number)
    assert fragment in " ".join(info.value.messages)


def test_json_plain_numbers_stay_exact() -> None:
    from techbridge.core.money import parse_json_amount

    assert parse_json_amount(Decimal("1234567.89")) == Decimal("1234567.89")
    assert parse_json_amount(1234567) == Decimal("1234567.00")
    assert parse_json_amount("1234567.89") == Decimal("1234567.89")


@pytest.mark.parametrize("literal", ["10000000000.0e0", "1e-2", "1E+3", "NaN", "1.0E1"])
def test_json_numbers_keep_the_text_they_were_written_as(literal: str) -> None:
    import json

    from techbridge.core.money import JSONNumber, parse_json_amount

    value = json.loads(f'{{"a": {literal}}}', parse_float=JSONNumber, parse_constant=JSONNumber)
    with pytest.raises(ValidationError):
        parse_json_amount(value["a"])
    exact = json.loads('{"a": 1234567.89}', parse_float=JSONNumber)["a"]
    assert parse_json_amount(exact) == Decimal("1234567.89")
