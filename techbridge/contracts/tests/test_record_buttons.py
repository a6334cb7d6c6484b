"""The contract page's buttons name their effect; returning and cancelling ask first
(issue 14)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _button(html: str, action: str) -> str:
    found = re.search(
        rf'action="[^"]*/{action}/"[^>]*>.*?(<button[^>]*>[^<]*</button>)', html, re.S
    )
    assert found, action
    return found.group(1)


def test_registrar_buttons_name_their_effect_and_risky_ones_confirm(
    personas, make_contract
) -> None:
    contract = make_contract(submit=True)
    html = (
        personas.client_for(personas.staff)
        .get(reverse("contracts:detail", args=[contract.pk]))
        .content.decode()
    )
    assert "认定登记</button>" in _button(html, "register")
    returned = _button(html, "return")
    assert "退回提交方" in returned and "data-confirm=" in returned
    assert "data-confirm=" in _button(html, "cancel")
