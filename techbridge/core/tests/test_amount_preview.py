"""The amount preview beside amount fields (issue 14): what people type, what is saved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from techbridge.core.money import format_yuan_words

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("1,500,000", "1500000.00"),
        ("1500000.00", "1500000.00"),
        ("150万", "1500000"),
        ("1.5亿", "150000000"),
        ("１５０万", "1500000"),
        ("8000", "8000"),
    ],
)
def test_what_people_type_is_previewed_as_saved(personas, text, yuan) -> None:
    client = personas.client_for(personas.owner)
    answer = client.get("/amounts/preview/", {"text": text}).json()
    assert answer["ok"] and Decimal(answer["yuan"]) == Decimal(yuan)


def test_the_preview_refuses_what_the_form_refuses(personas) -> None:
    client = personas.client_for(personas.owner)
    answer = client.get("/amounts/preview/", {"text": "1,50,000"}).json()
    assert not answer["ok"] and "1,50,000" in answer["error"]
    shown = client.get("/amounts/preview/", {"text": "150万"}).json()["text"]
    assert shown.startswith("150.00万元")


def test_the_preview_needs_a_login(client) -> None:
    assert client.get("/amounts/preview/", {"text": "1"}).status_code == 302


def test_amounts_read_in_wan_and_yi_exactly() -> None:
    with translation.override("zh-hans"):
        assert format_yuan_words(Decimal("1500000")) == "150.00万元"
        assert format_yuan_words(Decimal("150000000")) == "1.50亿元"
        assert format_yuan_words(Decimal("1500001")) == "150.0001万元"
        assert format_yuan_words(Decimal("8000")) == "8,000.00 元"
    with translation.override("en"):
        assert format_yuan_words(Decimal("1500000")) == "1,500,000.00 yuan"
