"""Contract lists, the API list, the registrar queue and the export answer in a number of
queries that does not grow with the number of contracts (issue 9 item 16)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from techbridge.contracts.importers import export_contracts

pytestmark = pytest.mark.django_db


def _grow(make_contract: Any, n: int) -> None:
    for i in range(n):
        make_contract(name=f"技术开发合同 {i} {n}", register=True)
        make_contract(name=f"待登记合同 {i} {n}", submit=True)


def _counts(personas: Any) -> dict[str, int]:
    counts = {}
    for user, url in (
        (personas.owner, "/contracts/"),
        (personas.staff, "/contracts/"),
        (personas.owner, "/api/v1/contracts/"),
        (personas.staff, "/api/v1/contracts/"),
        (personas.staff, "/contracts/queue/"),
    ):
        client = personas.client_for(user)
        client.get(url)  # the first request also touches the session
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[f"{user.username} {url}"] = len(captured)
    for user in (personas.owner, None):
        with CaptureQueriesContext(connection) as captured:
            _headers, rows = export_contracts(user=user)
            list(rows)
        counts[f"export {user}"] = len(captured)
    return counts


def test_contract_pages_and_export_cost_the_same_for_2_or_8_contracts(
    personas, make_contract
) -> None:
    _grow(make_contract, 2)
    few = _counts(personas)
    _grow(make_contract, 6)
    assert _counts(personas) == few


def test_queue_still_flags_likely_duplicates(personas, make_contract) -> None:
    first = make_contract(name="重复的合同", submit=True)
    second = make_contract(name="重复的合同", submit=True)
    make_contract(name="另一份合同", submit=True)
    response = personas.client_for(personas.staff).get("/contracts/queue/")
    assert response.status_code == 200
    page = response.content.decode()
    # Each of the pair is flagged naming the other; the third contract is not flagged.
    assert page.count('class="badge mark"') == 2
    assert f"#{first.pk} " in page and f"#{second.pk} " in page
