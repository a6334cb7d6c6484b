"""A notification reads in its reader's language, not in its sender's (issue 14): the row
keeps the message id and parameters (core.phrases) and the inbox and the API translate
them when read."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from techbridge.core.phrases import phrase
from techbridge.notifications.services import notify

pytestmark = pytest.mark.django_db

MESSAGE = "Order %(n)s was cancelled."


def test_sent_in_english_read_in_chinese(personas) -> None:
    with translation.override("en"):  # the sender browses in English
        (sent,) = notify(
            recipients=[personas.owner], kind="other", title=phrase(MESSAGE, {"n": "SO-1"})
        )
    sent.refresh_from_db()
    # The stored text is the site's language (for e-mail and search) ...
    assert sent.title == "订单 SO-1 已取消。"
    assert sent.title_msgid == MESSAGE and sent.title_params == {"n": "SO-1"}
    client = personas.client_for(personas.owner)
    # ... and each reader gets their own.
    zh = client.get(reverse("notifications:inbox"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "订单 SO-1 已取消。" in zh
    client.cookies.load({"django_language": "en"})
    en = client.get(reverse("notifications:inbox")).content.decode()
    assert "Order SO-1 was cancelled." in en and "订单 SO-1" not in en
    api = client.get("/api/v1/notifications/").json()
    assert api["results"][0]["title"] == "Order SO-1 was cancelled."


def test_plain_text_and_broken_translations_still_read() -> None:
    from techbridge.core.phrases import render

    assert render("no such message %(x)s", {"x": "1"}) == "no such message 1"
    assert str(phrase("Order %(n)s was cancelled.", {"wrong": 1})) != ""  # never raises
