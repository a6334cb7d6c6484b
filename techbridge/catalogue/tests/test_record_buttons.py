"""Buttons of a record page name their effect, and the risky ones ask first (issue 14):
the confirmation is a ``data-confirm`` question site.js asks; without JavaScript the form
simply submits."""

from __future__ import annotations

import re

import pytest

from techbridge.catalogue import services

pytestmark = pytest.mark.django_db


def _form(html: str, action: str) -> str:
    found = re.search(rf'<form[^>]*action="[^"]*/do/{action}/"[^>]*>.*?</form>', html, re.S)
    assert found, action
    return found.group(0)


def test_review_and_withdraw_buttons_say_what_they_do(personas) -> None:
    record = services.record_create(
        actor=personas.owner,
        kind="achievement",
        title="高强铝合金板材热处理工艺",
        technical_field="new_materials",
        trl=6,
    )
    owner_page = personas.client_for(personas.owner).get(record.get_absolute_url())
    html = owner_page.content.decode()
    assert ">提交审核</button>" in _form(html, "submit")
    assert "data-confirm=" in _form(html, "withdraw")
    assert "data-confirm=" in _form(html, "delete")

    services.record_submit(actor=personas.owner, record=record)
    reviewer = personas.client_for(personas.staff).get(record.get_absolute_url())
    html = reviewer.content.decode()
    assert ">审核通过并发布</button>" in _form(html, "publish")
    assert "data-confirm=" in _form(html, "return")
    assert "data-confirm=" not in _form(html, "publish")
