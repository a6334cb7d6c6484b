"""Lists, API lists and exports answer in a number of queries that does not grow with the
number of rows (issue 9 item 16): 2 rows and 12 rows cost the same, for every kind, for an
anonymous visitor and for a member of another organisation (who reaches the confidential-
detail check of every demand)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from techbridge.catalogue.kinds import KINDS, PLURALS, model_for
from techbridge.catalogue.models import ProposalStatus, SolutionProposal, Status

pytestmark = pytest.mark.django_db

SECRET = "保密详情：配方比例"
_EXTRA: dict[str, dict[str, Any]] = {"lab": {"lab_type": "key_lab", "level": "provincial"}}


def _add_published(kind: str, owner: Any, n: int) -> list[Any]:
    """``n`` published rows of ``kind`` (written directly: the rows are the fixture, the
    pages reading them are under test); demands are confidential."""
    model = model_for(kind)
    name = "name" if kind in ("expert", "instrument", "lab") else "title"
    start = model._default_manager.count()
    extra = dict(_EXTRA.get(kind, {}))
    if kind == "demand":
        extra.update(confidential=True, detail=SECRET, contact_phone="13800001111")
    return [
        model._default_manager.create(
            owner=owner,
            status=Status.PUBLISHED,
            published_at=timezone.now(),
            technical_field="new_materials",
            **{name: f"{kind} {start + i}"},
            **extra,
        )
        for i in range(n)
    ]


def _queries(client: Client, url: str) -> int:
    """Queries of the second request (the first one also touches the session and warms the
    code-list cache, whatever the number of rows)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def _urls(plural: str, signed_in: bool) -> list[str]:
    urls = [f"/catalogue/{plural}/", f"/api/v1/{plural}/"]
    if signed_in:
        urls.append(f"/catalogue/{plural}/export/?format=csv")
    return urls


@pytest.mark.parametrize("plural", list(PLURALS))
def test_lists_api_lists_and_exports_cost_the_same_for_2_or_12_rows(personas, plural) -> None:
    kind = PLURALS[plural]
    visitors = [
        ("anonymous", personas.anonymous, False),
        ("outsider", personas.client_for(personas.outsider), True),
    ]
    _add_published(kind, personas.org, 2)
    few = {(who, url): _queries(c, url) for who, c, s in visitors for url in _urls(plural, s)}
    _add_published(kind, personas.org, 10)
    many = {(who, url): _queries(c, url) for who, c, s in visitors for url in _urls(plural, s)}
    assert many == few


def test_confidential_detail_in_lists_only_for_whom_the_enterprise_accepted(personas) -> None:
    """The one-query check gives each viewer the right answer: the institution whose
    proposal was accepted sees the detail of that demand only; another member sees none."""
    first, second = _add_published("demand", personas.org, 2)
    SolutionProposal.objects.create(
        demand=first, proposer=personas.institution, approach="方案", status=ProposalStatus.ACCEPTED
    )
    SolutionProposal.objects.create(
        demand=second, proposer=personas.other_org, approach="方案", status=ProposalStatus.DECLINED
    )
    for user, sees in (
        (personas.researcher, {first.pk}),
        (personas.outsider, set()),
        (personas.owner, {first.pk, second.pk}),
    ):
        client = personas.client_for(user)
        response = client.get("/api/v1/demands/")
        assert response.status_code == 200
        shown = {row["id"] for row in response.json()["results"] if row["detail"] == SECRET}
        assert shown == sees, user
        export = client.get("/catalogue/demands/export/?format=csv")
        assert export.status_code == 200
        text = export.content.decode("utf-8-sig")
        assert text.count(SECRET) == len(sees), user


def test_every_kind_is_covered() -> None:
    assert set(PLURALS.values()) == set(KINDS)
